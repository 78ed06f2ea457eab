// The figures grid: each cell is saved to the draft when it is left (batched, debounced), with a
// status beside it (saving / saved / refused and why); a refused cell keeps its text. Enter and the
// arrow keys move between cells, Tab moves as usual; totals and the action bar's counts follow.
(function () {
  "use strict";
  var table = document.getElementById("grid");
  if (!table) { return; }
  var inputs = Array.prototype.slice.call(table.querySelectorAll("input.cell"));
  var saveUrl = table.dataset.saveUrl;
  var form = document.getElementById("grid-form");
  var DELAY = 300;
  var queue = {};      // name -> input, waiting to be sent
  var timer = null;
  var inFlight = null; // the running request (a Promise) or null

  function cellAt(row, col) {
    var tr = table.tBodies[0].rows[row];
    return tr ? tr.querySelector('input.cell[data-col="' + col + '"]') : null;
  }

  function position(input) {
    return { row: input.closest("tr").sectionRowIndex, col: Number(input.dataset.col) };
  }

  function move(input, dRow, dCol) {
    var p = position(input);
    var rows = table.tBodies[0].rows.length;
    for (var r = p.row + dRow, c = p.col + dCol; r >= 0 && r < rows && c >= 0 && c < 64; r += dRow, c += dCol) {
      var next = cellAt(r, c);
      if (next) { next.focus(); next.select(); return; }
    }
  }

  function plain(text) {
    // The same normalisation as the server: full-width digits and spaces (NFKC), no spaces.
    return (text.normalize ? text.normalize("NFKC") : text).replace(/\s+/g, "");
  }

  function retotal() {
    var colTotals = {};
    Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
      var sum = 0;
      tr.querySelectorAll("input.cell").forEach(function (input) {
        var text = plain(input.value);
        var v = /^\d+$/.test(text) ? Number(text) : 0;
        sum += v;
        colTotals[input.dataset.col] = (colTotals[input.dataset.col] || 0) + v;
      });
      var cell = tr.querySelector(".row-total");
      if (cell) { cell.textContent = sum; }
    });
    var foot = table.tFoot ? table.tFoot.querySelectorAll(".col-total") : [];
    Array.prototype.forEach.call(foot, function (td, i) {
      // A page of a larger grid: the rows of the other pages add `data-elsewhere` to the column.
      if (colTotals[i] !== undefined) { td.textContent = colTotals[i] + Number(td.dataset.elsewhere || 0); }
    });
  }

  function status(input, state, text) {
    var el = document.getElementById(input.getAttribute("aria-describedby"));
    input.dataset.state = state;
    input.classList.toggle("is-invalid", state === "refused" || state === "failed");
    if (el) {
      el.textContent = text;
      el.classList.toggle("text-danger", state === "refused" || state === "failed");
      el.classList.toggle("saved", state === "saved");
    }
  }

  function counts(values) {
    Object.keys(values).forEach(function (key) {
      var el = document.querySelector('[data-count="' + key + '"]');
      if (el) { el.textContent = values[key]; }
    });
  }

  function csrf() {
    var field = form ? form.querySelector("input[name=csrfmiddlewaretoken]") : null;
    return field ? field.value : "";
  }

  function flush() {
    timer = null;
    if (inFlight) { return inFlight; }
    var names = Object.keys(queue);
    if (!names.length) { return Promise.resolve(); }
    var sent = names.map(function (name) { return queue[name]; });
    var values = {};
    queue = {};
    var cells = sent.map(function (input) {
      values[input.name] = input.value;
      return { unit: input.dataset.unit, indicator: input.dataset.indicator, value: input.value };
    });
    inFlight = fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ cells: cells })
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      if (!answer.ok) { throw new Error((answer.data.problems || []).join("; ")); }
      answer.data.cells.forEach(function (cell) {
        var input = form.elements["v:" + cell.unit + ":" + cell.indicator];
        if (!input || queue[input.name]) { return; }  // typed again meanwhile: the next save decides
        if (cell.status === "saved") {
          if (input.value === values[input.name] && document.activeElement !== input) { input.value = cell.text; }
          status(input, "saved", table.dataset.textSaved);
        } else {
          status(input, "refused", cell.reason);
        }
      });
      counts(answer.data.counts);
      retotal();
    }).catch(function (error) {
      sent.forEach(function (input) {
        if (!queue[input.name]) { status(input, "failed", table.dataset.textFailed + (error.message ? " — " + error.message : "")); }
      });
    }).then(function () {
      inFlight = null;
      if (Object.keys(queue).length && !timer) { return flush(); }
      mark();
    });
    return inFlight;
  }

  function mark() {
    // For people and tests alike: "1" while any cell waits to be saved.
    table.dataset.pending = pending() ? "1" : "0";
  }

  function schedule(input) {
    queue[input.name] = input;
    table.dataset.pending = "1";
    status(input, "saving", table.dataset.textSaving);
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(flush, DELAY);
  }

  inputs.forEach(function (input) {
    input.dataset.saved = input.value;
    input.addEventListener("keydown", function (event) {
      var keys = { Enter: [1, 0], ArrowDown: [1, 0], ArrowUp: [-1, 0] };
      if (event.key === "ArrowRight" && input.selectionStart === input.value.length) { event.preventDefault(); move(input, 0, 1); return; }
      if (event.key === "ArrowLeft" && input.selectionStart === 0) { event.preventDefault(); move(input, 0, -1); return; }
      if (keys[event.key]) { event.preventDefault(); move(input, keys[event.key][0], keys[event.key][1]); }
    });
    input.addEventListener("input", retotal);
    input.addEventListener("change", function () { if (saveUrl) { schedule(input); } });
  });

  function pending() {
    return Object.keys(queue).length > 0 || inFlight !== null;
  }

  // Leaving the page or submitting while a save is pending: send it first (or warn on unload).
  var leaving = false;
  document.addEventListener("submit", function () { leaving = true; });
  window.addEventListener("beforeunload", function (event) {
    if (saveUrl && pending() && !leaving) { event.preventDefault(); event.returnValue = table.dataset.textPending; }
  });
  // Moving to another page of the grid (a link or the unit filter): save what waits first.
  Array.prototype.forEach.call(document.querySelectorAll("[data-flush-first]"), function (el) {
    el.addEventListener(el.tagName === "FORM" ? "submit" : "click", function (event) {
      if (!saveUrl || !pending()) { return; }
      event.preventDefault();
      event.stopPropagation();
      flush().then(function () {
        // A cell the server did not take stays on the page with its text and "not saved".
        if (table.querySelector('input.cell[data-state="failed"]')) { return; }
        if (el.tagName === "FORM") { el.submit(); } else { window.location.href = el.href; }
      });
    });
  });
  var submitForm = document.getElementById("submit-form");
  if (submitForm && saveUrl) {
    submitForm.addEventListener("submit", function (event) {
      if (!pending()) { return; }
      event.preventDefault();
      flush().then(function () { submitForm.submit(); });
    });
  }
  table.dataset.pending = "0";
  table.dataset.ready = "1";
})();
