/* Charts of the stability-index pages. Data come from json_script elements; no inline script. */
(function () {
  "use strict";

  var TIER_COLOURS = { red: "#c62828", orange: "#ef6c00", yellow: "#fbc02d", none: "#d1e5f0" };  // = pingan.core.tiers
  var FLAG_SYMBOLS = { alarm_high: "triangle", alert_high: "triangle", alarm_low: "diamond", alert_low: "diamond" };

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function fmt(value) {
    return value === null || value === undefined ? "—" : Number(value).toFixed(2);
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function historyOption(data, labels) {
    return {
      animation: false,
      aria: { enabled: true },
      tooltip: { trigger: "axis" },
      legend: { data: [labels.absolute, labels.relative], bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: data.map(function (d) { return d.label || d.period; }) },
      yAxis: { type: "value", scale: true },
      series: [
        { name: labels.absolute, type: "line", data: data.map(function (d) { return d.absolute; }), lineStyle: { color: "#2166ac" }, itemStyle: { color: "#2166ac" } },
        { name: labels.relative, type: "line", data: data.map(function (d) { return d.relative; }), lineStyle: { color: "#b2182b", type: "dashed" }, itemStyle: { color: "#b2182b" }, symbol: "rect" }
      ]
    };
  }

  function limitSeries(curve, key, name, style) {
    var line = curve.lines[key];
    if (!line) { return []; }
    function pairs(values) {
      return curve.expected.map(function (e, i) { return [e, values[i]]; });
    }
    var common = { type: "line", name: name, showSymbol: false, silent: true, lineStyle: style, itemStyle: { color: style.color } };
    return [
      Object.assign({ data: pairs(line.upper) }, common),
      Object.assign({ data: pairs(line.lower) }, common)
    ];
  }

  function funnelOption(data, labels) {
    var curve = data.curve;
    var adjusted = data.overdispersed;
    var series = [];
    series = series.concat(limitSeries(curve, "exact_95", labels.exact_95, { color: "#4393c3", type: adjusted ? "dotted" : "dashed", width: 1 }));
    series = series.concat(limitSeries(curve, "exact_998", labels.exact_998, { color: "#053061", type: adjusted ? "dotted" : "solid", width: 1 }));
    series = series.concat(limitSeries(curve, "adjusted_95", labels.adjusted_95, { color: "#d6604d", type: "dashed", width: 1.5 }));
    series = series.concat(limitSeries(curve, "adjusted_998", labels.adjusted_998, { color: "#67001f", type: "solid", width: 1.5 }));
    if (curve.expected.length) {
      series.push({ type: "line", name: labels.target, showSymbol: false, silent: true, data: [[curve.expected[0], 1], [curve.expected[curve.expected.length - 1], 1]], lineStyle: { color: "#777", width: 1 }, itemStyle: { color: "#777" } });
    }
    series.push({
      type: "scatter",
      name: labels.units,
      symbolSize: 10,
      data: data.points.filter(function (p) { return p.ratio !== null; }).map(function (p) {
        return {
          value: [p.expected, p.ratio],
          point: p,
          symbol: FLAG_SYMBOLS[p.flag] || "circle",
          itemStyle: { color: TIER_COLOURS[p.tier || "none"], borderColor: "#000", borderWidth: 1 }
        };
      }),
      tooltip: {
        formatter: function (item) {
          var p = item.data.point;
          return escapeHtml(p.name) + "<br>" + labels.observed + ": " + fmt(p.observed) + "<br>" + labels.expected + ": " + fmt(p.expected) +
            "<br>" + labels.ratio + ": " + fmt(p.ratio) + "<br>" + labels.tier + ": " + escapeHtml(p.tier_label || p.tier || "") +
            (p.flag_label ? "<br>" + labels.flag + ": " + escapeHtml(p.flag_label) : "");
        }
      }
    });
    var names = [];
    series.forEach(function (s) { if (names.indexOf(s.name) < 0) { names.push(s.name); } });
    return {
      animation: false,
      aria: { enabled: true },
      tooltip: { trigger: "item" },
      legend: { data: names, bottom: 0, type: "scroll" },
      grid: { left: 48, right: 16, top: 40, bottom: 64 },
      xAxis: { type: "log", name: labels.expected, nameLocation: "middle", nameGap: 26, logBase: 10 },
      yAxis: { type: "value", name: labels.ratio, min: 0 },
      series: series
    };
  }

  function mapOption(geo, labels) {
    echarts.registerMap("pingan-units", geo);
    return {
      animation: false,
      aria: { enabled: true },
      tooltip: {
        trigger: "item",
        formatter: function (item) {
          var p = item.data ? item.data.properties : null;
          if (!p) { return ""; }
          return escapeHtml(p.name) + "<br>" + labels.tier + ": " + escapeHtml(p.tier_label) + "<br>" + labels.score + ": " + p.score + "<br>" + labels.rank + ": " + p.rank;
        }
      },
      series: [{
        type: "map",
        map: "pingan-units",
        nameProperty: "code",
        roam: true,
        label: { show: true, fontSize: 11, formatter: function (item) { return item.data ? item.data.properties.name + "\n" + item.data.properties.tier_label : ""; } },
        emphasis: { label: { show: true } },
        data: geo.features.map(function (f) {
          return { name: f.properties.code, value: Number(f.properties.score), properties: f.properties, itemStyle: { areaColor: TIER_COLOURS[f.properties.tier], borderColor: "#333" } };
        })
      }]
    };
  }

  var BUILDERS = { history: historyOption, funnel: funnelOption, map: mapOption };

  /* A chart of a provisional (running) quarter is titled and watermarked with the translated word. */
  function markProvisional(option, labels) {
    if (!labels.provisional) { return option; }
    option.title = { text: labels.provisional, right: 8, top: 0, textStyle: { color: "#b35806", fontSize: 14 } };
    option.graphic = [{
      type: "text", left: "center", top: "middle", silent: true, z: 100,
      style: { text: labels.provisional, fontSize: 40, fontWeight: "bold", fill: "rgba(179, 88, 6, 0.2)" }
    }];
    return option;
  }

  function draw() {
    if (typeof echarts === "undefined") { return; }
    var labels = readJson("chart-labels") || {};
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var data = readJson(element.getAttribute("data-source"));
      var build = BUILDERS[element.getAttribute("data-chart")];
      if (!data || !build) { return; }
      var chart = echarts.init(element, null, { renderer: "svg" });
      chart.setOption(markProvisional(build(data, labels), labels));
      charts.push(chart);
      if (typeof ResizeObserver !== "undefined") {
        new ResizeObserver(function () { chart.resize(); }).observe(element);
      }
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
