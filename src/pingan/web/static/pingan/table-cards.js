/* Give every body cell of a .table-cards table the name of its column (data-label), taken from
   the header row, so the narrow-screen card layout in pingan.css can show it. Cells that already
   carry data-label, and rows with merged cells, are left as they are. */
(function () {
  "use strict";
  document.querySelectorAll("table.table-cards").forEach(function (table) {
    var headerRow = table.tHead && table.tHead.rows[0];
    if (!headerRow) { return; }
    var names = Array.prototype.map.call(headerRow.cells, function (cell) {
      return cell.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        if (row.cells.length !== names.length) { return; }
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (!cell.hasAttribute("data-label") && names[i]) { cell.setAttribute("data-label", names[i]); }
        });
      });
    });
  });
}());
