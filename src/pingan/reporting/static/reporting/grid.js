// Keyboard entry in the figures grid: Enter and the arrow keys move between cells; totals follow the input.
(function () {
  "use strict";
  var table = document.getElementById("grid");
  if (!table) { return; }
  var inputs = Array.prototype.slice.call(table.querySelectorAll("input.cell"));

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
      if (dRow === 0 && dCol === 0) { return; }
    }
  }

  function retotal() {
    var body = table.tBodies[0];
    var colTotals = {};
    Array.prototype.forEach.call(body.rows, function (tr) {
      var sum = 0;
      tr.querySelectorAll("input.cell").forEach(function (input) {
        var v = /^\d+$/.test(input.value.trim()) ? Number(input.value.trim()) : 0;
        sum += v;
        colTotals[input.dataset.col] = (colTotals[input.dataset.col] || 0) + v;
        input.classList.toggle("is-invalid", input.value.trim() !== "" && !/^\d+$/.test(input.value.trim()));
      });
      var cell = tr.querySelector(".row-total");
      if (cell) { cell.textContent = sum; }
    });
    var foot = table.tFoot ? table.tFoot.querySelectorAll(".col-total") : [];
    Array.prototype.forEach.call(foot, function (td, i) {
      if (colTotals[i] !== undefined) { td.textContent = colTotals[i]; }
    });
  }

  inputs.forEach(function (input) {
    input.addEventListener("keydown", function (event) {
      var keys = { Enter: [1, 0], ArrowDown: [1, 0], ArrowUp: [-1, 0] };
      if (event.key === "ArrowRight" && input.selectionStart === input.value.length) { event.preventDefault(); move(input, 0, 1); return; }
      if (event.key === "ArrowLeft" && input.selectionStart === 0) { event.preventDefault(); move(input, 0, -1); return; }
      if (keys[event.key]) { event.preventDefault(); move(input, keys[event.key][0], keys[event.key][1]); }
    });
    input.addEventListener("input", retotal);
  });
})();
