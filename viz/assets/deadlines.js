/* ipplan's deadline page. Reads the page's data from the JSON block (never from markup),
   puts every piece of user text on screen with textContent, and draws the months chart
   (SVG) and the units × months table with the filters applied. Nothing is fetched. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ipplan-data").textContent);
  var lang = data.lang === "en" ? "en" : "zh";
  var SVG = "http://www.w3.org/2000/svg";
  var asOfMonth = data.as_of.slice(0, 7);
  var OTHER = "";  // the column of measures due in no month (ongoing, recurring, none)
  var COLOURS = { done: "#2ca02c", overdue: "#d62728", later: "#9aa7b8" };

  function words(zh, en) { return lang === "en" ? en : zh; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function unitName(u) { return lang === "en" ? (u.name_en || u.name) : u.name; }
  function stateName(m) {
    if (!m.status) { return ""; }
    var label = data.states[m.status];
    return label ? label[lang === "en" ? 1 : 0] : m.status;
  }
  function value(id) { return document.getElementById(id).value; }

  // What the filters and the search leave: measures (indices) and units (a set of indices).
  function visible() {
    var theme = value("filter-theme"), cluster = value("filter-cluster"), kind = value("filter-kind");
    var q = document.getElementById("search").value.trim().toLowerCase();
    var unitHit = function () { return true; }, measureHit = function () { return true; };
    var unitSearch = false;
    var found = document.getElementById("found");
    found.textContent = "";
    if (q) {
      var units = data.units.filter(function (u) {
        return u.name.toLowerCase().indexOf(q) >= 0 || (u.name_en || "").toLowerCase().indexOf(q) >= 0;
      }).length;
      var measures = data.measures.filter(function (m) {
        return m.id.toLowerCase() === q || m.text.toLowerCase().indexOf(q) >= 0;
      }).length;
      if (units) {
        unitHit = function (u) {
          return u.name.toLowerCase().indexOf(q) >= 0 || (u.name_en || "").toLowerCase().indexOf(q) >= 0;
        };
        unitSearch = true;
        found.textContent = words("找到 ", "found ") + units;
      } else if (measures) {
        measureHit = function (m) { return m.id.toLowerCase() === q || m.text.toLowerCase().indexOf(q) >= 0; };
        found.textContent = words("找到 ", "found ") + measures;
      } else {
        found.textContent = words("未找到", "not found");
      }
    }
    var shownUnits = {};
    var unitFiltered = !!(cluster || kind || unitSearch);
    data.units.forEach(function (u, i) {
      if ((!cluster || u.cluster === cluster) && (!kind || u.kind === kind) && unitHit(u)) {
        shownUnits[i] = true;
      }
    });
    var shownMeasures = [];
    data.measures.forEach(function (m, i) {
      if (theme && m.theme !== theme) { return; }
      if (!measureHit(m)) { return; }
      var anyUnit = m.units.some(function (pair) { return shownUnits[pair[0]]; });
      if (anyUnit || (!unitFiltered && !m.units.length)) { shownMeasures.push(i); }
    });
    return { measures: shownMeasures, units: shownUnits };
  }

  function stateOf(m) {
    if (m.status === "done") { return "done"; }
    return m.overdue ? "overdue" : "later";
  }
  function nextMonth(month) {
    var y = parseInt(month.slice(0, 4), 10), mo = parseInt(month.slice(5, 7), 10) + 1;
    if (mo > 12) { y += 1; mo = 1; }
    return y + "-" + (mo < 10 ? "0" : "") + mo;
  }

  function drawTimeline(shown) {
    var box = document.getElementById("timeline");
    box.textContent = "";
    var counts = {}, other = 0, months = [];
    shown.measures.forEach(function (i) {
      var m = data.measures[i];
      if (!m.month) { other += 1; return; }
      counts[m.month] = counts[m.month] || { done: 0, overdue: 0, later: 0 };
      counts[m.month][stateOf(m)] += 1;
    });
    var present = Object.keys(counts).sort();
    if (present.length) {
      // every month from the first to the last, so that time reads evenly; a span of more
      // than twenty years shows only the months something is due in
      var month = present[0];
      while (month <= present[present.length - 1] && months.length <= 240) {
        months.push(month); month = nextMonth(month);
      }
      if (months.length > 240) { months = present; }
    }
    var top = 0;
    months.forEach(function (mo) {
      var c = counts[mo];
      if (c) { top = Math.max(top, c.done + c.overdue + c.later); }
    });
    var step = Math.max(14, Math.min(48, Math.floor(1100 / Math.max(months.length, 1))));
    var left = 40, height = 180, bottom = 52, width = left + step * months.length + 20;
    // a viewBox, so that a narrower window scales the chart instead of cutting its last months
    var chart = svg("svg", { width: width, height: height + bottom + 20, role: "img",
                             viewBox: "0 0 " + width + " " + (height + bottom + 20) });
    chart.appendChild(svg("title", {}, words("各月到期措施数", "Measures due by month")));
    // the tallest bar stops short of the top: the as-of words are written there
    var scale = top ? (height - 28) / top : 0;
    chart.appendChild(svg("line", { x1: left, y1: height + 10, x2: width - 10, y2: height + 10,
                                    stroke: "#5b6474" }));
    [0, top].forEach(function (tick) {
      chart.appendChild(svg("text", { x: left - 6, y: height + 10 - tick * scale + 4,
                                      "text-anchor": "end" }, String(tick)));
    });
    months.forEach(function (mo, k) {
      var c = counts[mo], x = left + k * step, y = height + 10;
      if (c) {
        ["done", "overdue", "later"].forEach(function (state) {
          if (!c[state]) { return; }
          var h = c[state] * scale;
          y -= h;
          var bar = svg("rect", { x: x + 2, y: y, width: step - 4, height: h,
                                  fill: COLOURS[state], "class": "bar " + state,
                                  "data-month": mo });
          bar.appendChild(svg("title", {}, mo + "：" + c[state] + " " + legendWord(state)));
          chart.appendChild(bar);
        });
        chart.appendChild(svg("text", { x: x + step / 2, y: y - 3, "text-anchor": "middle",
                                        "class": "count" },
                              String(c.done + c.overdue + c.later)));
      }
      var labelEvery = Math.ceil(40 / step);
      if (c || k % labelEvery === 0) {
        chart.appendChild(svg("text", { x: x + step / 2, y: height + 24, "text-anchor": "end",
                                        transform: "rotate(-50 " + (x + step / 2) + " " + (height + 24) + ")" },
                              mo));
      }
    });
    if (months.length) {
      // the as-of day: at the start of its month's column (before the first, after the last)
      var at = months.indexOf(asOfMonth);
      var ax = at >= 0 ? left + at * step : (asOfMonth < months[0] ? left : left + months.length * step);
      chart.appendChild(svg("line", { x1: ax, y1: 0, x2: ax, y2: height + 10, stroke: "#d62728",
                                      "stroke-dasharray": "5,4", "stroke-width": 2, "class": "as-of" }));
      var late = ax > width - 160;  // near the right edge: the words go to the line's left
      chart.appendChild(svg("text", { x: late ? ax - 4 : ax + 4, y: 12, fill: "#d62728",
                                      "text-anchor": late ? "end" : "start" },
                            words("截至 ", "as of ") + data.as_of));
    }
    box.appendChild(chart);
    if (other) {
      box.appendChild(el("p", "other", words("另有 " + other + " 项措施没有到期月份（长期坚持、每年或未规定）。",
                                              "Due in no month (ongoing, recurring or none given): " + other + ".")));
    }
  }

  function legendWord(state) {
    return { done: words("已完成", "done"), overdue: words("逾期未完成", "overdue, not done"),
             later: words("未到期", "not yet due") }[state];
  }

  function drawHeatmap(shown) {
    var box = document.getElementById("heatmap");
    box.textContent = "";
    var cells = {}, rows = {}, columns = {};
    shown.measures.forEach(function (i) {
      var m = data.measures[i];
      m.units.forEach(function (pair) {
        var u = pair[0];
        if (!shown.units[u]) { return; }
        var key = u + "|" + m.month;
        var cell = cells[key] = cells[key] || { lead: 0, support: 0, overdue: 0, done: 0, items: [] };
        cell[pair[1]] += 1;
        cell.overdue += m.overdue ? 1 : 0;
        cell.done += m.status === "done" ? 1 : 0;
        cell.items.push([m, pair[1]]);
        rows[u] = (rows[u] || 0) + 1;
        columns[m.month] = true;
      });
    });
    var months = Object.keys(columns).filter(function (mo) { return mo !== OTHER; }).sort();
    if (columns[OTHER]) { months.push(OTHER); }
    var order = Object.keys(rows).map(Number).sort(function (a, b) {
      return rows[b] - rows[a] || (data.units[a].name < data.units[b].name ? -1 : data.units[a].name > data.units[b].name ? 1 : 0);
    });
    var most = 1;
    Object.keys(cells).forEach(function (k) { most = Math.max(most, cells[k].lead, cells[k].support); });
    var table = el("table", "heat");
    var head = el("tr");
    head.appendChild(el("th", "", words("单位", "Unit")));
    months.forEach(function (mo) {
      head.appendChild(el("th", mo && mo < asOfMonth ? "past" : "", mo || words("无月份", "no month")));
    });
    head.appendChild(el("th", "", words("合计", "Total")));
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    order.forEach(function (u) {
      var unit = data.units[u];
      var tr = el("tr");
      tr.setAttribute("data-unit", unit.name);
      var th = el("th", "unit");
      if (unit.link) {
        var a = el("a", "", unitName(unit));
        a.setAttribute("href", unit.link);
        th.appendChild(a);
      } else {
        th.textContent = unitName(unit);
      }
      th.title = unit.name + (unit.name_en ? " / " + unit.name_en : "");
      tr.appendChild(th);
      months.forEach(function (mo) {
        var cell = cells[u + "|" + mo];
        var td = el("td", "cell");
        if (cell) {
          if (cell.overdue) { td.classList.add("overdue"); }
          if (cell.done && cell.done === cell.items.length) { td.classList.add("done"); }
          var pair = el("div", "pair");
          var lead = el("span", "lead", cell.lead ? String(cell.lead) : "");
          var support = el("span", "support", cell.support ? String(cell.support) : "");
          if (cell.lead) { lead.style.background = "rgba(230,131,16," + (0.25 + 0.6 * cell.lead / most).toFixed(3) + ")"; }
          if (cell.support) { support.style.background = "rgba(57,105,172," + (0.15 + 0.6 * cell.support / most).toFixed(3) + ")"; }
          pair.appendChild(lead); pair.appendChild(support);
          td.appendChild(pair);
          td.title = [unitName(unit) + " · " + (mo || words("无月份", "no month"))].concat(
            cell.items.map(function (item) {
              var m = item[0], parts = [m.id, words(item[1] === "lead" ? "牵头" : "配合", item[1])];
              if (m.overdue) { parts.push(words("逾期", "overdue")); }
              if (m.status) { parts.push(stateName(m) + (m.status_text ? "（" + m.status_text + "）" : "")); }
              if (!m.month) { parts.push(m.deadline_text || words("未规定", "none given")); }
              return parts.join(" · ") + "：" + m.text.slice(0, 40);
            })).join("\n");
          td.setAttribute("data-month", mo);
        }
        tr.appendChild(td);
      });
      tr.appendChild(el("td", "total", String(rows[u])));
      body.appendChild(tr);
    });
    table.appendChild(body);
    box.appendChild(order.length ? table : el("p", "", words("没有符合条件的措施。", "No measures match.")));
  }

  function fillLegend() {
    var list = document.getElementById("legend");
    list.textContent = "";
    [["lead", words("牵头（格子左半，数字为措施数）", "lead (left half of a cell: measures)")],
     ["support", words("配合（格子右半）", "support (right half of a cell)")],
     ["overdue", words("红框 / 红柱：到期月份已过且未完成", "red frame / red bar: month ended, not done")],
     ["done", words("✓ / 绿柱：完成情况写明已完成", "✓ / green bar: marked done")],
     ["later", words("灰柱：未到期", "grey bar: not yet due")],
     ["asof", words("虚线：截至 ", "dashed line: as of ") + data.as_of]].forEach(function (item) {
      var li = el("li");
      li.appendChild(el("span", "swatch " + item[0]));
      li.appendChild(el("span", "", item[1]));
      list.appendChild(li);
    });
  }
  function fillFilters() {
    ["theme", "cluster", "kind"].forEach(function (name) {
      var select = document.getElementById("filter-" + name);
      var options = data.filters[name] || [];
      select.parentNode.style.display = options.length ? "" : "none";
      var chosen = select.value;
      select.textContent = "";
      var all = el("option", "", words("全部", "all"));
      all.value = "";
      select.appendChild(all);
      options.forEach(function (o) {
        var opt = el("option", "", o[lang]);
        opt.value = o.value;
        select.appendChild(opt);
      });
      select.value = chosen;
    });
  }
  function draw() {
    var shown = visible();
    drawTimeline(shown);
    drawHeatmap(shown);
  }
  function setLanguage(next) {
    lang = next === "en" ? "en" : "zh";
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    ["title", "subtitle", "notes"].forEach(function (id) {
      document.getElementById(id).textContent = data[id + "_" + lang];
    });
    document.querySelectorAll("[data-zh]").forEach(function (e) {
      e.textContent = e.getAttribute("data-" + lang);
    });
    document.getElementById("lang").textContent = lang === "en" ? "中文" : "English";
    document.title = data["title_" + lang];
    fillLegend();
    fillFilters();
    draw();
  }
  window.ipplan = { setLanguage: setLanguage, draw: draw };
  document.getElementById("search").addEventListener("input", draw);
  ["theme", "cluster", "kind"].forEach(function (name) {
    document.getElementById("filter-" + name).addEventListener("change", draw);
  });
  document.getElementById("lang").addEventListener("click", function () {
    setLanguage(lang === "en" ? "zh" : "en");
  });
  setLanguage(lang);
  window.ipplanReady = true;
})();
