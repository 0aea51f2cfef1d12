/* The search page: reads the query from the URL, shows results as they arrive.
   Every piece of result text goes in through textContent, never as HTML. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var pager = document.getElementById("search-pager");
  var params = new URLSearchParams(location.search);
  var PAGE = 10;
  var FIELDS = ["q", "publication", "from", "to", "section", "column", "kind", "sort"];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fillSelect(name, values, labels) {
    var select = form.elements[name];
    values.forEach(function (value, i) {
      var option = el("option", "", labels ? labels[i] : value);
      option.value = value;
      select.appendChild(option);
    });
  }

  function chineseDate(iso) {
    var parts = iso.split("-").map(Number);
    return parts[0] + "年" + parts[1] + "月" + parts[2] + "日";
  }

  function snippet(result) {
    var p = el("p", "snippet");
    var at = 0;
    result.highlights.forEach(function (h) {
      p.appendChild(document.createTextNode(result.snippet.slice(at, h[0])));
      p.appendChild(el("mark", "", result.snippet.slice(h[0], h[1])));
      at = h[1];
    });
    p.appendChild(document.createTextNode(result.snippet.slice(at)));
    return p;
  }

  function show(found, query, pageNumber) {
    list.replaceChildren();
    found.results.forEach(function (result) {
      var item = el("li", "result");
      var heading = el("h2", "headline");
      if (result.kicker) heading.appendChild(el("span", "kicker", result.kicker));
      var link = el("a", "", result.title);
      link.href = result.url;
      heading.appendChild(link);
      if (result.subtitle) heading.appendChild(el("span", "subtitle", result.subtitle));
      item.appendChild(heading);
      item.appendChild(el("p", "meta", [chineseDate(result.date), result.publication, result.page].join(" · ")));
      item.appendChild(snippet(result));
      list.appendChild(item);
    });
    status.textContent = found.total
      ? "找到 " + found.total + " 篇包含“" + query + "”的文章" + (found.done ? "" : "，正在继续检索…")
      : found.done ? "没有找到包含“" + query + "”的文章。请换一个词，或放宽筛选条件。" : "正在检索…";
    pager.replaceChildren();
    var pages = Math.ceil(found.total / PAGE);
    if (found.done && pages > 1) {
      [[pageNumber - 1, "上一页"], [pageNumber + 1, "下一页"]].forEach(function (p) {
        if (p[0] < 1 || p[0] > pages) return;
        var next = new URLSearchParams(params);
        next.set("page", p[0]);
        var a = el("a", "", p[1]);
        a.href = "?" + next.toString();
        a.rel = p[0] < pageNumber ? "prev" : "next";
        pager.appendChild(a);
      });
      pager.appendChild(el("span", "", "第 " + pageNumber + " / " + pages + " 页"));
    }
  }

  function run(meta) {
    fillSelect("publication", meta.pubs.map(function (p) { return p[0]; }), meta.pubs.map(function (p) { return p[1]; }));
    fillSelect("section", meta.sections);
    fillSelect("column", meta.columns);
    fillSelect("kind", meta.kinds, meta.kinds.map(function (k) { return KINDS[k] || k; }));
    FIELDS.forEach(function (name) { if (params.get(name)) form.elements[name].value = params.get(name); });
    var query = (params.get("q") || "").trim();
    if (!query) {
      status.textContent = "请输入要检索的词语，例如人名、地名或一句话。";
      return;
    }
    document.title = query + " · " + document.title;
    var pageNumber = Math.max(1, parseInt(params.get("page"), 10) || 1);
    var options = { limit: PAGE, offset: (pageNumber - 1) * PAGE };
    FIELDS.slice(1).forEach(function (name) { if (params.get(name)) options[name] = params.get(name); });
    options.onProgress = function (found) { show(found, query, pageNumber); };
    status.textContent = "正在检索…";
    window.edition.search(query, options).then(function (found) {
      found.done = true;
      show(found, query, pageNumber);
      document.body.dataset.searchDone = "true";
    }, function (error) {
      status.textContent = "检索出错：" + error.message;
      document.body.dataset.searchDone = "error";
    });
  }

  var KINDS = {
    news: "消息", photo: "图片", commentary: "评论", feature: "通讯特写", journal_article: "理论文章",
    ad: "广告", notice: "公告", weather: "天气"
  };

  window.edition.searchMeta().then(run, function (error) {
    status.textContent = "检索索引无法加载：" + error.message;
  });
})();
