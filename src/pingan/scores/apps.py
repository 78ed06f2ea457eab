from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoresConfig(AppConfig):
    """Quarterly results."""

    name = "pingan.scores"
    label = "scores"
    verbose_name = _("Scores")

    def ready(self) -> None:
        """Owe a recomputation whenever figures, a scheme or covariates change."""
        from pingan.core import events
        from pingan.scores import tasks

        events.subscribe(events.FIGURES_CHANGED, tasks.figures_changed)
        events.subscribe(events.SCHEME_CHANGED, tasks.inputs_of_computed_quarters_changed)
        events.subscribe(events.COVARIATES_CHANGED, tasks.inputs_of_computed_quarters_changed)
