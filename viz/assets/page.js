/* ipplan network pages. Reads the page's data from the JSON block (never from markup), puts
   every piece of user text into the page with textContent, and draws with vis-network at the
   precomputed positions, physics off, so the page looks the same at every opening. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("ipplan-data").textContent);
  var lang = data.lang === "en" ? "en" : "zh";
  var nodes = new vis.DataSet(data.nodes.map(prepareNode));
  var edges = new vis.DataSet(data.edges.map(function (e, i) {
    e.id = "e" + i;
    if (e.tip_zh) { e.title = tooltip(e); }
    return e;
  }));
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    physics: false,
    layout: { randomSeed: 7, improvedLayout: false },
    interaction: { hover: true, tooltipDelay: 120, navigationButtons: false, keyboard: false },
    nodes: { shape: "dot", font: { size: 14, face: getComputedStyle(document.documentElement).fontFamily } },
    edges: { smooth: false }
  });
  window.ipplan = { network: network, nodes: nodes, edges: edges, setLanguage: setLanguage };

  function prepareNode(n) {
    n.label = lang === "en" ? n.label_en : n.label_zh;
    n.title = tooltip(n);
    return n;
  }
  function tooltip(item) {
    var box = document.createElement("div");
    (lang === "en" ? item.tip_en : item.tip_zh || []).forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    return box;
  }
  function text(id, value) { var el = document.getElementById(id); if (el) el.textContent = value; }
  function setLanguage(next) {
    lang = next === "en" ? "en" : "zh";
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    text("title", data["title_" + lang]);
    text("subtitle", data["subtitle_" + lang]);
    text("notes", data["notes_" + lang]);
    document.querySelectorAll("[data-zh]").forEach(function (el) {
      el.textContent = el.getAttribute("data-" + lang);
    });
    nodes.update(nodes.get().map(function (n) {
      return { id: n.id, label: lang === "en" ? n.label_en : n.label_zh, title: tooltip(n) };
    }));
    edges.update(edges.get().filter(function (e) { return e.tip_zh; }).map(function (e) {
      return { id: e.id, title: tooltip(e) };
    }));
    fillLegend();
    fillFilters();
    fillTable();
    document.getElementById("lang").textContent = lang === "en" ? "中文" : "English";
    document.title = data["title_" + lang];
  }
  function fillLegend() {
    var list = document.getElementById("legend");
    list.textContent = "";
    data.legend.forEach(function (item) {
      var li = document.createElement("li");
      var sw = document.createElement("span");
      sw.className = "swatch" + (item.shape ? " " + item.shape : "");
      if (item.colour) { sw.style.background = item.colour; }
      var label = document.createElement("span");
      label.textContent = item[lang];
      li.appendChild(sw); li.appendChild(label); list.appendChild(li);
    });
  }
  // The list under the picture: every cell by textContent; a cell is one text, or [zh, en].
  // Its head has a row that only print shows (the list, the plans and the date), so that
  // every printed sheet says whose checklist it is.
  function fillTable() {
    var table = data.table || {};
    var element = document.getElementById("list-table");
    if (!element || !table.columns) { return; }
    text("list-heading", table["heading_" + lang]);
    var head = element.tHead, body = element.tBodies[0];
    head.textContent = ""; body.textContent = "";
    var printed = head.insertRow();
    printed.className = "print-only";
    var th = document.createElement("th");
    th.colSpan = table.columns.length;
    th.textContent = table["heading_" + lang] + " · " + data["subtitle_" + lang];
    printed.appendChild(th);
    var names = head.insertRow();
    table.columns.forEach(function (column) {
      var cell = document.createElement("th");
      cell.textContent = column[lang];
      cell.className = "col-" + column.key;
      names.appendChild(cell);
    });
    table.rows.forEach(function (row) {
      var tr = body.insertRow();
      row.forEach(function (value, i) {
        var td = tr.insertCell();
        td.className = "col-" + table.columns[i].key;
        td.textContent = typeof value === "string" ? value : value[lang === "en" ? 1 : 0];
      });
    });
    var empty = document.getElementById("list-empty");
    empty.hidden = table.rows.length > 0;
    empty.textContent = table["empty_" + lang];
    element.hidden = table.rows.length === 0;
  }
  function fillFilters() {
    ["theme", "cluster", "kind"].forEach(function (name) {
      var select = document.getElementById("filter-" + name);
      var options = data.filters[name] || [];
      select.parentNode.style.display = options.length ? "" : "none";
      var chosen = select.value;
      select.textContent = "";
      var all = document.createElement("option");
      all.value = ""; all.textContent = lang === "en" ? "all" : "全部";
      select.appendChild(all);
      options.forEach(function (o) {
        var opt = document.createElement("option");
        opt.value = o.value; opt.textContent = o[lang];
        select.appendChild(opt);
      });
      select.value = chosen;
    });
  }
  function applyFilters() {
    var theme = document.getElementById("filter-theme").value;
    var cluster = document.getElementById("filter-cluster").value;
    var kind = document.getElementById("filter-kind").value;
    var shown = {};
    nodes.update(nodes.get().map(function (n) {
      var keep = (!theme || (n.themes || []).indexOf(theme) >= 0 || n.level === "plan") &&
                 (!cluster || n.cluster === cluster || (n.level !== "unit" && n.level !== "cluster")) &&
                 (!kind || n.kind === kind || n.level !== "unit");
      shown[n.id] = keep;
      return { id: n.id, hidden: !keep };
    }));
    edges.update(edges.get().map(function (e) {
      return { id: e.id, hidden: !(shown[e.from] && shown[e.to]) };
    }));
  }
  function search(query) {
    var q = query.trim().toLowerCase();
    var status = document.getElementById("found");
    if (!q) { status.textContent = ""; network.unselectAll(); return null; }
    var all = nodes.get({ filter: function (n) { return !n.hidden; } });
    var exact = all.filter(function (n) {
      return (n.search || []).some(function (s) { return s && s.toLowerCase() === q; });
    });
    var hits = exact.length ? exact : all.filter(function (n) {
      return (n.search || []).some(function (s) { return s && s.toLowerCase().indexOf(q) >= 0; });
    });
    if (!hits.length) {
      status.textContent = lang === "en" ? "not found" : "未找到";
      network.unselectAll();
      return null;
    }
    var first = hits[0];
    network.selectNodes([first.id]);
    network.focus(first.id, { scale: 1.4, animation: false });
    status.textContent = (lang === "en" ? "found " : "找到 ") + hits.length;
    return first.id;
  }
  window.ipplan.search = search;
  window.ipplan.applyFilters = applyFilters;

  document.getElementById("search").addEventListener("input", function (e) { search(e.target.value); });
  document.getElementById("search").addEventListener("keydown", function (e) {
    if (e.key === "Enter") { search(e.target.value); }
  });
  ["theme", "cluster", "kind"].forEach(function (name) {
    document.getElementById("filter-" + name).addEventListener("change", applyFilters);
  });
  document.getElementById("lang").addEventListener("click", function () {
    setLanguage(lang === "en" ? "zh" : "en");
  });
  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: false }); });
  network.on("doubleClick", function (params) {
    if (params.nodes.length) {
      var node = nodes.get(params.nodes[0]);
      if (node && node.link) { window.location.href = node.link; }
    }
  });
  window.addEventListener("beforeprint", function () { network.fit({ animation: false }); });
  // a printed page's picture is smaller than the screen's: draw it again at that size
  window.matchMedia("print").addEventListener("change", function () {
    network.redraw();
    network.fit({ animation: false });
  });
  network.once("afterDrawing", function () { window.ipplanReady = true; });
  setLanguage(lang);
  network.fit({ animation: false });
})();
