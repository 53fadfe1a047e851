// Draws the scenario timeline: one SVG lane per daemon on a shared time axis.
// Reads the JSON in <script id="data">; no network, no libraries.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var chart = document.getElementById("chart");
  var tip = document.getElementById("tip");
  var LEFT = 120, RIGHT = 24, TOP = 26, LANE = 50;
  var W = Math.max(960, (chart.clientWidth || 1200) - 2);
  var T = Math.max(D.duration || 0, 0.001);
  var marksDrawn = 0;

  function x(t) { return LEFT + (W - LEFT - RIGHT) * Math.max(0, Math.min(t, T)) / T; }

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function niceStep(span) {
    var raw = span / 10, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) { if (raw <= steps[i] * mag) { return steps[i] * mag; } }
    return 10 * mag;
  }

  function axis(svg, height) {
    var g = el("g", { "class": "axis" }, svg);
    var step = niceStep(T);
    for (var t = 0; t <= T + 1e-9; t += step) {
      el("line", { x1: x(t), x2: x(t), y1: TOP - 6, y2: height - 4 }, g);
      var label = el("text", { x: x(t) + 2, y: TOP - 10 }, g);
      label.textContent = (Math.round(t * 100) / 100) + "s";
    }
  }

  function showTip(evt, text) {
    tip.textContent = text;
    tip.hidden = false;
    tip.style.left = Math.min(evt.clientX + 12, window.innerWidth - 540) + "px";
    tip.style.top = (evt.clientY + 14) + "px";
  }

  function hideTip() { tip.hidden = true; }

  function findInLog(i) {
    var row = document.getElementById("ev-" + i);
    if (!row) { return; }
    row.scrollIntoView({ block: "center" });
    row.classList.add("flash");
    setTimeout(function () { row.classList.remove("flash"); }, 1600);
  }

  function track(g, segs, y, h, describe) {
    (segs || []).forEach(function (s) {
      var r = el("rect", {
        x: x(s.t0), y: y, height: h, rx: 2,
        width: Math.max(1, x(s.t1) - x(s.t0)), "class": "seg seg-" + s.state
      }, g);
      var text = describe(s);
      r.addEventListener("mousemove", function (e) { showTip(e, text); });
      r.addEventListener("mouseleave", hideTip);
    });
  }

  function mark(g, m, y) {
    var cls = "mark cat-" + m.cat;
    var shape;
    if (m.cat === "fault") {
      var cx = x(m.t);
      shape = el("path", { d: "M" + (cx - 6) + "," + (y - 7) + " L" + (cx + 6) + "," + (y - 7) + " L" + cx + "," + (y + 6) + " Z", "class": cls }, g);
    } else if (m.cat === "say") {
      shape = el("rect", { x: x(m.t) - 5, y: y - 5, width: 10, height: 10, rx: 3, "class": cls }, g);
    } else {
      var r = (m.cat === "log" || m.cat === "lifecycle" || m.cat === "map") ? 3 : 4.5;
      shape = el("circle", { cx: x(m.t), cy: y, r: r, "class": cls }, g);
    }
    shape.setAttribute("data-event", m.i);
    var text = "+" + m.t.toFixed(3) + "s  " + m.kind + "\n" + m.label;
    shape.addEventListener("mousemove", function (e) { showTip(e, text); });
    shape.addEventListener("mouseleave", hideTip);
    shape.addEventListener("click", function () { findInLog(m.i); });
    marksDrawn += 1;
  }

  function lane(svg, L, i) {
    var y = TOP + i * LANE;
    var g = el("g", { "class": "lane", "data-daemon": L.name }, svg);
    el("rect", { x: 0, y: y, width: W, height: LANE, "class": "lane-bg" + (i % 2 ? " odd" : "") }, g);
    var label = el("text", { x: 8, y: y + LANE / 2 + 4, "class": "lane-label" }, g);
    label.textContent = L.name === "scenario" ? "scenario" : L.name;
    var tr = L.tracks || {};
    if (L.type === "engine") {
      (tr.steps || []).forEach(function (s) {
        var w = Math.max(3, x(s.t1) - x(s.t0));
        var r = el("rect", { x: x(s.t0), y: y + 8, width: w, height: 16, rx: 3, "class": "seg seg-" + s.state }, g);
        var text = "step " + s.label + "\n" + (s.t1 - s.t0).toFixed(2) + "s";
        r.addEventListener("mousemove", function (e) { showTip(e, text); });
        r.addEventListener("mouseleave", hideTip);
        if (w > 14) { el("text", { x: x(s.t0) + 3, y: y + 20, "class": "step-label" }, g).textContent = s.index; }
        if (s.expectation) {
          var ok = s.state === "passed";
          el("circle", { cx: x(s.t1), cy: y + 36, r: 4.5, "class": "mark " + (ok ? "ok" : "bad") }, g);
          marksDrawn += 1;
        }
      });
    } else {
      track(g, tr.proc, y + 6, 7, function (s) { return L.name + ": process " + s.state + " " + s.t0.toFixed(2) + "–" + s.t1.toFixed(2) + "s"; });
      track(g, tr.role, y + 15, 10, function (s) { return L.name + ": " + s.state + " " + s.t0.toFixed(2) + "–" + s.t1.toFixed(2) + "s"; });
      track(g, tr.conn, y + 27, 4, function (s) { return L.name + ": mon session " + s.state + " " + s.t0.toFixed(2) + "–" + s.t1.toFixed(2) + "s"; });
    }
    (L.marks || []).forEach(function (m) { mark(g, m, y + 40); });
  }

  function faultLines(svg, height) {
    var g = el("g", { "class": "faults" }, svg);
    D.events.forEach(function (e) {
      if (e.daemon === "scenario" && e.cat === "fault") {
        el("line", { x1: x(e.t), x2: x(e.t), y1: TOP, y2: height - 4, "class": "fault-line" }, g);
      }
    });
  }

  function controls(svg) {
    var box = document.getElementById("controls");
    [["log", "cluster log lines"], ["map", "map epochs"], ["lifecycle", "process starts"]].forEach(function (c) {
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "checkbox";
      input.checked = true;
      input.addEventListener("change", function () { svg.classList.toggle("hide-" + c[0], !input.checked); });
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + c[1]));
      box.appendChild(label);
    });
  }

  function legend() {
    var items = [["running", "--run"], ["frozen", "--paused"], ["down", "--down"], ["active", "--active"],
      ["standby", "--standby"], ["leader", "--leader"], ["mon session", "--up"], ["session lost", "--lost"],
      ["fault", "--fault"], ["narration", "--say"]];
    var box = document.getElementById("legend");
    items.forEach(function (it) {
      var sw = document.createElement("span");
      sw.className = "sw";
      sw.style.background = "var(" + it[1] + ")";
      box.appendChild(sw);
      box.appendChild(document.createTextNode(it[0]));
    });
  }

  function filterLog() {
    var input = document.getElementById("filter");
    input.addEventListener("input", function () {
      var q = input.value.toLowerCase();
      document.querySelectorAll("table.log tbody tr").forEach(function (row) {
        row.style.display = !q || row.textContent.toLowerCase().indexOf(q) >= 0 ? "" : "none";
      });
    });
  }

  var height = TOP + D.lanes.length * LANE + 8;
  var svg = el("svg", { width: W, height: height, viewBox: "0 0 " + W + " " + height, role: "img" });
  el("title", {}, svg).textContent = D.name + " timeline";
  axis(svg, height);
  D.lanes.forEach(function (L, i) { lane(svg, L, i); });
  faultLines(svg, height);
  chart.appendChild(svg);
  controls(svg);
  legend();
  filterLog();
  // the step-through player (player.js) draws its cursor on this chart
  window.SimReport = window.SimReport || {};
  window.SimReport.timeline = { svg: svg, x: x, top: TOP, height: height, findInLog: findInLog };
  document.documentElement.setAttribute("data-lanes", String(D.lanes.length));
  document.documentElement.setAttribute("data-marks", String(marksDrawn));
  document.documentElement.setAttribute("data-rendered", "ok");
})();
