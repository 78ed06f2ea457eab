/* The series chart of a warning: counts, expected value and threshold. Data from a json_script element. */
(function () {
  "use strict";
  var element = document.getElementById("warning-series");
  var target = document.getElementById("warning-chart");
  if (!element || !target || typeof echarts === "undefined") { return; }
  var data = JSON.parse(element.textContent);
  var labels = data.labels;
  var chart = echarts.init(target);
  chart.setOption({
    animation: false,
    aria: { enabled: true },
    tooltip: { trigger: "axis" },
    legend: { data: [labels.observed, labels.expected, labels.upper], bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 48 },
    xAxis: { type: "category", data: data.periods },
    yAxis: { type: "value" },
    series: [
      { name: labels.observed, type: "bar", data: data.counts, itemStyle: { color: "#2166ac" } },
      { name: labels.expected, type: "line", data: data.expected, lineStyle: { color: "#4d4d4d", type: "dashed" }, itemStyle: { color: "#4d4d4d" }, connectNulls: false },
      { name: labels.upper, type: "line", data: data.upper, lineStyle: { color: "#b2182b" }, itemStyle: { color: "#b2182b" }, symbol: "triangle", connectNulls: false }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
