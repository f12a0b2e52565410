// atc-kb site script: query tabs (remembered target), copy buttons, conversion filters, the "/" key to search.
// The rule list's code is rule-list.js and the search page's search.js, each loaded by its page only.
// Plain script, no dependencies; every page works without it (all tabs shown, lists unfiltered).
(function () {
  'use strict';

  // ---- Site menu ----------------------------------------------------------------------------------------
  // On narrow screens the navigation folds behind the Menu button; without this script the button stays
  // hidden and the navigation is a row that scrolls sideways (site.css), so it is always reachable.
  var menuButton = document.querySelector('.menu-button');
  if (menuButton) {
    menuButton.hidden = false;
    menuButton.addEventListener('click', function () {
      menuButton.setAttribute('aria-expanded', menuButton.getAttribute('aria-expanded') === 'true' ? 'false' : 'true');
    });
    document.addEventListener('keydown', function (event) {
      if (event.key !== 'Escape' || menuButton.getAttribute('aria-expanded') !== 'true' || !menuButton.parentNode.contains(document.activeElement)) return;
      menuButton.setAttribute('aria-expanded', 'false');
      menuButton.focus();
    });
  }
  var STORAGE_KEY = 'atc-kb:query-target';

  function readStored() {
    try { return window.localStorage.getItem(STORAGE_KEY); } catch (error) { return null; }
  }
  function store(value) {
    try { window.localStorage.setItem(STORAGE_KEY, value); } catch (error) { /* private mode: not remembered */ }
  }

  // ---- Tabs -------------------------------------------------------------------------------------------
  // A link to a query (#<panel id>, or any id inside a panel, such as an older title-based anchor) opens
  // its tab; choosing a tab puts its panel id in the address, so the address bar always links the open tab.
  var tabSets = [];
  function hashElement() {
    if (location.hash.length < 2) return null;
    try { return document.getElementById(decodeURIComponent(location.hash.slice(1))); } catch (error) { return null; }
  }
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
      addCopyLink(panel);
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
    // The reader's own choice: remembered for other pages, and linked from the address (no scroll jump).
    function choose(index, focus) {
      select(index, focus);
      store(tabs[index].getAttribute('data-target'));
      history.replaceState(history.state, '', location.pathname + location.search + '#' + encodeURIComponent(panels[index].id));
    }
    function selectTarget(key) {
      for (var index = 0; index < tabs.length; index += 1) {
        if (tabs[index].getAttribute('data-target') === key) { select(index, false); return true; }
      }
      return false;
    }
    function selectHash(scroll) {
      var element = hashElement();
      if (!element) return false;
      for (var index = 0; index < panels.length; index += 1) {
        if (!panels[index].contains(element)) continue;
        select(index, false);
        // The browser could not scroll to an element of a hidden panel; now it is shown.
        if (scroll) element.scrollIntoView();
        return true;
      }
      return false;
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener('click', function () { choose(index, false); });
      tab.addEventListener('keydown', function (event) {
        var next = null;
        if (event.key === 'ArrowRight') next = (index + 1) % tabs.length;
        else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
        else if (event.key === 'Home') next = 0;
        else if (event.key === 'End') next = tabs.length - 1;
        if (next === null) return;
        event.preventDefault();
        choose(next, true);
      });
    });
    if (!selectHash(false) && !selectTarget(readStored())) select(0, false);
    tabSets.push({ selectTarget: selectTarget, selectHash: selectHash });
  }
  // "Copy link to this query": the page's address with the panel's id, whichever tab is open.
  function addCopyLink(panel) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-link';
    button.textContent = 'Copy link to this query';
    button.addEventListener('click', function () {
      var url = location.href.split('#')[0] + '#' + encodeURIComponent(panel.id);
      copyText(url).then(function () {
        button.textContent = 'Link copied';
      }, function () {
        // The open tab's link is in the address bar already (choose and selectHash put it there).
        button.textContent = 'Copy the address bar';
      });
      setTimeout(function () { button.textContent = 'Copy link to this query'; }, 2000);
    });
    var heading = panel.querySelector('h3');
    if (heading && heading.parentNode === panel) heading.insertAdjacentElement('afterend', button);
    else panel.insertBefore(button, panel.firstChild);
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-tabs]'), setupTabs);
  // Another open tab chose a target: follow it.
  window.addEventListener('storage', function (event) {
    if (event.key !== STORAGE_KEY || !event.newValue) return;
    tabSets.forEach(function (set) { set.selectTarget(event.newValue); });
  });
  window.addEventListener('hashchange', function () {
    tabSets.forEach(function (set) { set.selectHash(true); });
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

  // ---- "/" to search --------------------------------------------------------------------------------------
  // As on GitHub and MDN: "/" focuses the search box (the search page's own, else the header's), unless
  // the key is typed into a field or pressed with a modifier.
  document.addEventListener('keydown', function (event) {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var box = document.getElementById('search-q') || document.getElementById('site-search');
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
