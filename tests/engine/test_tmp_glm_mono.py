import numpy as np
from hypothesis import given, settings, strategies as st
from tests.engine.strategies import windows
from pingan.engine import Scheme, relative_scores
@settings(max_examples=500, deadline=None)
@given(windows(), st.booleans(), st.data())
def test_glm_mono(data, smooth, draw):
    counts, exposure = data["counts"], data["exposure"]
    u = draw.draw(st.integers(0, counts.shape[0] - 1)); c = draw.draw(st.integers(0, counts.shape[1] - 1))
    more = counts.copy(); more[u, c, -1] += 1
    s = Scheme.of([1.0]*counts.shape[1],[np.inf]*counts.shape[1],[False]*counts.shape[1])
    b = relative_scores(counts, exposure, s, data["covariates"], smooth=smooth).score[u]
    a = relative_scores(more, exposure, s, data["covariates"], smooth=smooth).score[u]
    assert a <= b + 1e-9
