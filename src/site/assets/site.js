// atc-kb site script: query tabs (remembered target), copy buttons, conversion filters, Pagefind search.
// The rule list's code is rule-list.js, loaded by that page only.
// Plain script, no dependencies; every page works without it (all tabs shown, lists unfiltered).
(function () {
  'use strict';
  var STORAGE_KEY = 'atc-kb:query-target';
  var prefix = document.body.getAttribute('data-prefix') || '/';

  function readStored() {
    try { return window.localStorage.getItem(STORAGE_KEY); } catch (error) { return null; }
  }
  function store(value) {
    try { window.localStorage.setItem(STORAGE_KEY, value); } catch (error) { /* private mode: not remembered */ }
  }

  // ---- Tabs -------------------------------------------------------------------------------------------
  var tabSets = [];
  function setupTabs(container) {
    var tablist = container.querySelector('[role="tablist"]');
    if (!tablist) return;
    var tabs = Array.prototype.slice.call(tablist.querySelectorAll('[role="tab"]'));
    var panels = tabs.map(function (tab) { return document.getElementById(tab.getAttribute('aria-controls')); });
    tablist.hidden = false;
    panels.forEach(function (panel, index) {
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', tabs[index].id);
      panel.setAttribute('tabindex', '0');
    });
    function select(index, focus) {
      tabs.forEach(function (tab, other) {
        var selected = other === index;
        tab.setAttribute('aria-selected', selected ? 'true' : 'false');
        tab.tabIndex = selected ? 0 : -1;
        panels[other].hidden = !selected;
      });
      if (focus) tabs[index].focus();
    }
    function selectTarget(key) {
      for (var index = 0; index < tabs.length; index += 1) {
        if (tabs[index].getAttribute('data-target') === key) { select(index, false); return true; }
      }
      return false;
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener('click', function () {
        select(index, false);
        store(tab.getAttribute('data-target'));
      });
      tab.addEventListener('keydown', function (event) {
        var next = null;
        if (event.key === 'ArrowRight') next = (index + 1) % tabs.length;
        else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
        else if (event.key === 'Home') next = 0;
        else if (event.key === 'End') next = tabs.length - 1;
        if (next === null) return;
        event.preventDefault();
        select(next, true);
        store(tabs[next].getAttribute('data-target'));
      });
    });
    var fromHash = location.hash ? panels.map(function (panel) { return '#' + panel.id; }).indexOf(decodeURIComponent(location.hash)) : -1;
    if (fromHash >= 0) select(fromHash, false);
    else if (!selectTarget(readStored())) select(0, false);
    tabSets.push({ selectTarget: selectTarget, panels: panels, select: select });
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-tabs]'), setupTabs);
  // Another open tab chose a target: follow it.
  window.addEventListener('storage', function (event) {
    if (event.key !== STORAGE_KEY || !event.newValue) return;
    tabSets.forEach(function (set) { set.selectTarget(event.newValue); });
  });
  window.addEventListener('hashchange', function () {
    tabSets.forEach(function (set) {
      set.panels.forEach(function (panel, index) { if ('#' + panel.id === decodeURIComponent(location.hash)) set.select(index, false); });
    });
  });

  // ---- Copy buttons -------------------------------------------------------------------------------------
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (error) { ok = false; }
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error('copy failed'));
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('button.copy[data-copy]'), function (button) {
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      copyText(source.textContent).then(function () {
        button.textContent = 'Copied';
        button.setAttribute('data-copied', '');
      }, function () {
        button.textContent = 'Press Ctrl+C';
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      });
      setTimeout(function () { button.textContent = 'Copy'; button.removeAttribute('data-copied'); }, 2000);
    });
  });

  // ---- Conversion matrix filters --------------------------------------------------------------------------
  // Cells are "✓" (converted) or a link "#reason-<n>" with the category as the cell's class. A target
  // shows only its column; status, category and reason keep the rows where a shown cell matches.
  var convForm = document.getElementById('conversion-filters');
  if (convForm) {
    var convTable = document.getElementById('conversion-table');
    var convRows = Array.prototype.slice.call(convTable.tBodies[0].rows);
    var convHeads = Array.prototype.slice.call(convTable.tHead.rows[0].cells, 1);
    var convTargets = convHeads.map(function (cell) { return cell.getAttribute('data-target'); });
    var reasonTexts = {};
    Array.prototype.forEach.call(document.querySelectorAll('#reason-list > li'), function (item) {
      reasonTexts[item.id.slice('reason-'.length)] = item.getAttribute('data-category') + ': ' + item.querySelector('.reason-text').textContent;
    });
    // One entry per row: [title, [cell status per target]] with a status of "" (converted) or "category:n".
    var convData = convRows.map(function (row) {
      var cells = [];
      for (var c = 1; c < row.cells.length; c += 1) {
        var anchor = row.cells[c].firstElementChild;
        if (anchor) {
          var number = anchor.getAttribute('href').slice('#reason-'.length);
          anchor.title = reasonTexts[number] || '';
          cells.push({ category: row.cells[c].className.replace(/^no /, ''), reason: number });
        } else {
          cells.push(null);
        }
      }
      return { title: row.cells[0].textContent.toLowerCase(), cells: cells };
    });
    var convFields = { q: document.getElementById('conv-q'), target: document.getElementById('conv-target'), status: document.getElementById('conv-status'), category: document.getElementById('conv-category'), reason: document.getElementById('conv-reason') };
    var convCounter = document.getElementById('conversion-count');
    var columnStyle = document.createElement('style');
    document.head.appendChild(columnStyle);
    var convParams = new URLSearchParams(location.search);
    Object.keys(convFields).forEach(function (name) {
      var value = convParams.get(name);
      // A "+" typed into a URL by hand arrives as a space: target specs use "+" (lucene+ecs_windows).
      if (value !== null) convFields[name].value = name === 'target' ? value.replace(/ /g, '+') : value;
    });
    function convApply(updateUrl) {
      var target = convFields.target.value;
      var column = target ? convTargets.indexOf(target) : -1;
      var status = convFields.status.value;
      var category = convFields.category.value;
      var reason = convFields.reason.value;
      var query = convFields.q.value.trim().toLowerCase();
      var filtered = status || category || reason;
      var shown = 0;
      convData.forEach(function (entry, index) {
        var visible = !query || entry.title.indexOf(query) >= 0;
        if (visible && filtered) {
          visible = false;
          for (var c = 0; c < entry.cells.length && !visible; c += 1) {
            if (column >= 0 && c !== column) continue;
            var cell = entry.cells[c];
            if (status === 'converted') visible = cell === null && !category && !reason;
            else visible = cell !== null && (!category || cell.category === category) && (!reason || cell.reason === reason);
          }
        }
        convRows[index].hidden = !visible;
        if (visible) shown += 1;
      });
      // Only the chosen target's column (column numbers count the rule column as 1).
      columnStyle.textContent = column >= 0 ? '#conversion-table tr > :not(:first-child):not(:nth-child(' + (column + 2) + ')) { display: none; }' : '';
      convCounter.textContent = (shown === convRows.length ? convRows.length + ' rules' : shown + ' of ' + convRows.length + ' rules match') + (column >= 0 ? ', target ' + convHeads[column].textContent + '.' : '.');
      if (updateUrl) {
        var params = new URLSearchParams();
        Object.keys(convFields).forEach(function (name) {
          var value = convFields[name].value.trim();
          if (value) params.set(name, value);
        });
        var search = params.toString();
        history.replaceState(null, '', location.pathname + (search ? '?' + search : '') + location.hash);
      }
    }
    Object.keys(convFields).forEach(function (name) {
      convFields[name].addEventListener(name === 'q' ? 'input' : 'change', function () { convApply(true); });
    });
    convForm.addEventListener('submit', function (event) { event.preventDefault(); convApply(true); });
    document.getElementById('conv-reset').addEventListener('click', function (event) {
      event.preventDefault();
      Object.keys(convFields).forEach(function (name) { convFields[name].value = ''; });
      convApply(true);
    });
    // "show these rules" links and the per-target counts point at this page with new filters.
    Array.prototype.forEach.call(document.querySelectorAll('.conversion-page a[href*="?"]'), function (anchor) {
      var url = new URL(anchor.href, location.href);
      if (url.pathname !== location.pathname) return;
      anchor.addEventListener('click', function (event) {
        event.preventDefault();
        var params = new URLSearchParams(url.search);
        Object.keys(convFields).forEach(function (name) { convFields[name].value = params.get(name) || ''; });
        convApply(true);
        document.getElementById('conversion-filters').scrollIntoView();
      });
    });
    convApply(false);
  }

  // ---- Search (Pagefind) --------------------------------------------------------------------------------
  var searchForm = document.getElementById('search-form');
  if (searchForm) {
    var input = document.getElementById('search-q');
    var status = document.getElementById('search-status-line');
    var list = document.getElementById('search-results');
    var filterSelects = Array.prototype.slice.call(searchForm.querySelectorAll('select'));
    var initial = new URLSearchParams(location.search);
    input.value = initial.get('q') || '';
    filterSelects.forEach(function (select) { if (initial.get(select.name)) select.value = initial.get(select.name); });
    var pagefindPromise = null;
    function loadPagefind() {
      if (!pagefindPromise) {
        pagefindPromise = import(prefix + 'pagefind/pagefind.js').then(function (pagefind) {
          return Promise.resolve(pagefind.options({ baseUrl: prefix, excerptLength: 24 })).then(function () { return pagefind; });
        });
      }
      return pagefindPromise;
    }
    // Excerpts come back as HTML with <mark>; rebuild them as text nodes so no indexed text can become markup.
    function excerptNodes(excerpt) {
      var fragment = document.createDocumentFragment();
      var parsed = new DOMParser().parseFromString('<body>' + excerpt + '</body>', 'text/html').body;
      Array.prototype.forEach.call(parsed.childNodes, function (node) {
        if (node.nodeName === 'MARK') {
          var mark = document.createElement('mark');
          mark.textContent = node.textContent;
          fragment.appendChild(mark);
        } else {
          fragment.appendChild(document.createTextNode(node.textContent));
        }
      });
      return fragment;
    }
    var generation = 0;
    function run(updateUrl) {
      var query = input.value.trim();
      var filters = {};
      filterSelects.forEach(function (select) { if (select.value) filters[select.name] = select.value; });
      if (updateUrl) {
        var params = new URLSearchParams();
        if (query) params.set('q', query);
        Object.keys(filters).forEach(function (key) { params.set(key, filters[key]); });
        var search = params.toString();
        history.replaceState(null, '', location.pathname + (search ? '?' + search : ''));
      }
      var mine = ++generation;
      if (!query && Object.keys(filters).length === 0) {
        list.textContent = '';
        status.textContent = 'Type a word to search rules, log sources, tests and techniques.';
        return;
      }
      status.textContent = 'Searching…';
      loadPagefind().then(function (pagefind) {
        return pagefind.search(query || null, { filters: filters });
      }).then(function (search) {
        if (mine !== generation) return null;
        return Promise.all(search.results.slice(0, 30).map(function (result) { return result.data(); })).then(function (items) {
          if (mine !== generation) return;
          list.textContent = '';
          items.forEach(function (item) {
            var li = document.createElement('li');
            var a = document.createElement('a');
            a.className = 'result-title';
            a.href = item.url;
            a.textContent = (item.meta && item.meta.title) || item.url;
            li.appendChild(a);
            if (item.meta && item.meta.kind) {
              var kind = document.createElement('span');
              kind.className = 'badge tag result-kind';
              kind.textContent = item.meta.kind;
              li.appendChild(kind);
            }
            var p = document.createElement('p');
            p.appendChild(excerptNodes(item.excerpt || ''));
            li.appendChild(p);
            list.appendChild(li);
          });
          status.textContent = search.results.length === 0 ? 'No results.' : search.results.length + (search.results.length === 1 ? ' result' : ' results') + (search.results.length > 30 ? ', the first 30 shown.' : '.');
        });
      }).catch(function (error) {
        status.textContent = 'Search is unavailable: ' + error.message;
      });
    }
    var timer = null;
    input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(function () { run(true); }, 150); });
    filterSelects.forEach(function (select) { select.addEventListener('change', function () { run(true); }); });
    searchForm.addEventListener('submit', function (event) { event.preventDefault(); run(true); });
    run(false);
  }
})();
