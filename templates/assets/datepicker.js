// 往期回顾 date picker on issue and 版面 pages: a calendar of the publication's issue days.
// The days come from <pub>/dates.js (self.editionDates[slug], set by a script so that it loads
// from file:// too). Days with an issue are links to it; other days are plain text. Without this
// script, or without the days, the picker stays a list of links to the month and year pages.
(function () {
  "use strict";
  var WEEK = ["一", "二", "三", "四", "五", "六", "日"];
  var counter = 0;

  function pad(n, width) { var s = String(n); while (s.length < width) s = "0" + s; return s; }
  function monthKey(y, m) { return pad(y, 4) + "-" + pad(m, 2); }
  function utc(y, m, d) {  // Date.UTC reads years 0-99 as 1900-1999
    var date = new Date(Date.UTC(2000, m - 1, d));
    date.setUTCFullYear(y);
    return date;
  }
  function daysIn(y, m) { return utc(y, m + 1, 0).getUTCDate(); }
  function weekday(y, m, d) { return (utc(y, m, d).getUTCDay() + 6) % 7; }  // Monday 0
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function Picker(root, data) {
    this.root = root;
    this.data = data;
    this.base = new URL(root.getAttribute("data-src"), document.baseURI);
    this.current = root.getAttribute("data-date");
    this.approx = {};
    data.approx.forEach(function (d) { this.approx[d] = true; }, this);
    this.months = Object.keys(data.days).sort();  // "YYYY-MM" with issues, oldest first
    this.years = [];
    this.months.forEach(function (k) {
      var y = +k.slice(0, 4);
      if (this.years.indexOf(y) < 0) this.years.push(y);
    }, this);
    var here = this.current.slice(0, 7);
    this.month = data.days[here] ? here : this.months[this.months.length - 1];
    this.build();
    this.show(this.month, false);
  }

  Picker.prototype.link = function (y, m, d) {
    var path = this.data.url.replace("{Y}", pad(y, 4)).replace("{M}", pad(m, 2)).replace("{D}", pad(d, 2));
    return new URL(path, this.base).href;
  };

  Picker.prototype.build = function () {
    var id = "dp" + (++counter), self = this;
    var box = this.root.querySelector(".date-picker-calendar");
    var head = el("div", {"class": "dp-head"});
    this.prev = el("button", {type: "button", "class": "dp-prev"}, "‹ 上月");
    this.next = el("button", {type: "button", "class": "dp-next"}, "下月 ›");
    this.yearSelect = el("select", {id: id + "-y"});
    this.monthSelect = el("select", {id: id + "-m"});
    this.years.forEach(function (y) { self.yearSelect.appendChild(el("option", {value: String(y)}, y + "年")); });
    for (var m = 1; m <= 12; m++) this.monthSelect.appendChild(el("option", {value: pad(m, 2)}, m + "月"));
    head.appendChild(this.prev);
    head.appendChild(el("label", {"for": id + "-y", "class": "visually-hidden"}, "年份"));
    head.appendChild(this.yearSelect);
    head.appendChild(el("label", {"for": id + "-m", "class": "visually-hidden"}, "月份"));
    head.appendChild(this.monthSelect);
    head.appendChild(this.next);
    this.table = el("table", {"class": "dp-grid"});
    this.caption = el("caption", {id: id + "-c"});
    this.table.appendChild(this.caption);
    var row = el("tr");
    WEEK.forEach(function (d) { row.appendChild(el("th", {scope: "col", abbr: "星期" + d}, d)); });
    var thead = el("thead");
    thead.appendChild(row);
    this.table.appendChild(thead);
    this.body = el("tbody");
    this.table.appendChild(this.body);
    this.status = el("p", {"class": "visually-hidden", role: "status"});
    box.appendChild(head);
    box.appendChild(el("p", {"class": "dp-hint"}, "有报纸的日期可点击，方向键在各期间移动。"));
    box.appendChild(this.table);
    box.appendChild(this.status);
    box.hidden = false;

    this.prev.addEventListener("click", function () { self.step(-1, false); });
    this.next.addEventListener("click", function () { self.step(1, false); });
    this.yearSelect.addEventListener("change", function () { self.pickYear(+this.value); });
    this.monthSelect.addEventListener("change", function () { self.show(self.yearSelect.value + "-" + this.value, true); });
    this.body.addEventListener("keydown", function (e) { self.key(e); });
    this.root.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && self.root.open) {
        self.root.open = false;
        self.root.querySelector("summary").focus();
      }
    });
  };

  // The month with issues before (dir -1) or after (dir 1) the month `key`, or null.
  Picker.prototype.neighbour = function (key, dir) {
    var j = this.months.indexOf(key) + dir;
    return j >= 0 && j < this.months.length ? this.months[j] : null;
  };

  Picker.prototype.label = function (key) { return +key.slice(0, 4) + "年" + +key.slice(5, 7) + "月"; };

  Picker.prototype.step = function (dir, focusDay) {
    var target = this.neighbour(this.month, dir);
    if (!target) return false;
    this.show(target, true);
    if (focusDay) {
      var links = this.body.querySelectorAll("a");
      links[dir > 0 ? 0 : links.length - 1].focus();
    }
    return true;
  };

  Picker.prototype.pickYear = function (year) {
    var inYear = this.months.filter(function (k) { return +k.slice(0, 4) === year; });
    var same = monthKey(year, +this.month.slice(5, 7));
    var best = inYear[0];
    inYear.forEach(function (k) {  // the same month if it has issues, else the nearest one
      if (Math.abs(+k.slice(5, 7) - +same.slice(5, 7)) < Math.abs(+best.slice(5, 7) - +same.slice(5, 7))) best = k;
    });
    this.show(best, true);
  };

  Picker.prototype.show = function (key, announce) {
    if (!this.data.days[key]) return;  // only months with issues are offered
    this.month = key;
    var y = +key.slice(0, 4), m = +key.slice(5, 7), self = this;
    var days = {};
    this.data.days[key].forEach(function (d) { days[d] = true; });
    this.yearSelect.value = String(y);
    Array.prototype.forEach.call(this.monthSelect.options, function (option) {
      var has = !!self.data.days[monthKey(y, +option.value)];
      option.disabled = !has;  // a month without issues cannot be picked
    });
    this.monthSelect.value = pad(m, 2);
    var before = this.neighbour(key, -1), after = this.neighbour(key, 1);
    this.prev.disabled = !before;
    this.next.disabled = !after;
    this.prev.setAttribute("aria-label", before ? "上月：" + this.label(before) : "上月：没有更早的报纸");
    this.next.setAttribute("aria-label", after ? "下月：" + this.label(after) : "下月：没有更新的报纸");
    var count = this.data.days[key].length;
    this.caption.textContent = y + "年" + m + "月 · " + count + "期";
    this.body.textContent = "";
    var row = el("tr");
    for (var i = 0; i < weekday(y, m, 1); i++) row.appendChild(el("td"));
    for (var d = 1; d <= daysIn(y, m); d++) {
      if (row.children.length === 7) { this.body.appendChild(row); row = el("tr"); }
      var cell = el("td");
      var iso = key + "-" + pad(d, 2);
      var name = y + "年" + m + "月" + d + "日 星期" + WEEK[weekday(y, m, d)];
      if (days[d]) {
        var a = el("a", {href: this.link(y, m, d), "data-day": String(d)}, String(d));
        var note = this.approx[iso] ? "（日期为推定）" : "";
        if (note) a.className = "approx-day";
        if (iso === this.current) {
          a.setAttribute("aria-current", "date");
          note += "（本期）";
        }
        a.setAttribute("aria-label", name + note);
        cell.appendChild(a);
      } else {
        cell.appendChild(el("span", {"class": "dp-off", title: name + " 无报纸"}, String(d)));
      }
      row.appendChild(cell);
    }
    while (row.children.length < 7) row.appendChild(el("td"));
    this.body.appendChild(row);
    if (announce) this.status.textContent = this.caption.textContent;
  };

  // Arrow keys move between the month's issue days, Home/End to its first and last, PageUp and
  // PageDown to the months before and after.
  Picker.prototype.key = function (e) {
    var link = e.target.closest && e.target.closest("a[data-day]");
    if (!link) return;
    var links = Array.prototype.slice.call(this.body.querySelectorAll("a[data-day]"));
    var day = +link.getAttribute("data-day"), target = null;
    function nearest(want, dir) {  // the issue day closest to `want`, looking in direction `dir`
      var best = null;
      links.forEach(function (a) {
        var d = +a.getAttribute("data-day");
        if ((dir > 0 ? d >= want : d <= want) && (best === null ||
            Math.abs(d - want) < Math.abs(+best.getAttribute("data-day") - want))) best = a;
      });
      return best;
    }
    switch (e.key) {
      case "ArrowLeft": target = nearest(day - 1, -1); break;
      case "ArrowRight": target = nearest(day + 1, 1); break;
      case "ArrowUp": target = nearest(day - 7, -1); break;
      case "ArrowDown": target = nearest(day + 7, 1); break;
      case "Home": target = links[0]; break;
      case "End": target = links[links.length - 1]; break;
      case "PageUp": e.preventDefault(); this.step(-1, true); return;
      case "PageDown": e.preventDefault(); this.step(1, true); return;
      default: return;
    }
    e.preventDefault();
    if (target) target.focus();
  };

  var all = self.editionDates || {};
  Array.prototype.forEach.call(document.querySelectorAll(".date-picker[data-dates]"), function (root) {
    var data = all[root.getAttribute("data-dates")];
    if (data && data.days && Object.keys(data.days).length) new Picker(root, data);
  });
})();
