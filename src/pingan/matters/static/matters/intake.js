/* Intake form: once category and place are chosen, list similar open matters (same place and
   category, last 30 days) so the person can work on the original instead of a duplicate. */
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  var box = document.getElementById("similar");
  var list = document.getElementById("similar-list");
  var status = document.getElementById("similar-status");
  if (!form || !box || !list) { return; }
  var category = form.querySelector("[name=category]");
  var place = form.querySelector("[name=place]");
  if (!category || !place) { return; }

  function show(matters) {
    list.textContent = "";
    matters.forEach(function (m) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = m.url;
      link.textContent = m.number;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" · " + m.received + " · " + m.status + " · " + m.description));
      list.appendChild(item);
    });
    box.hidden = matters.length === 0;
    status.textContent = matters.length ? status.dataset.found + " " + matters.length : status.dataset.none;
  }

  function lookUp() {
    if (!category.value || !place.value) { show([]); return; }
    var query = new URLSearchParams({ category: category.value, place: place.value });
    fetch(form.dataset.similarUrl + "?" + query.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { matters: [] }; })
      .then(function (data) { show(data.matters); })
      .catch(function () { show([]); });
  }

  category.addEventListener("change", lookUp);
  place.addEventListener("change", lookUp);
  lookUp();
}());
