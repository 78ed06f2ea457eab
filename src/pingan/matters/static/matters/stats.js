/* Bar chart of the rates by responsible unit on the matters statistics page. */
(function () {
  "use strict";
  var holder = document.getElementById("unit-chart");
  var source = document.getElementById("unit-rates");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data.units.length) { holder.style.display = "none"; return; }
  var chart = echarts.init(holder);
  function percent(values) {
    return values.map(function (v) { return v === null ? null : Math.round(v * 1000) / 10; });
  }
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 80 },
    xAxis: { type: "category", data: data.units, axisLabel: { rotate: 30 } },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: data.labels.dispatch, type: "bar", data: percent(data.dispatch) },
      { name: data.labels.on_time, type: "bar", data: percent(data.on_time) },
      { name: data.labels.feedback, type: "bar", data: percent(data.feedback) }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
