// The rule list (/rules/): filters, sort and rows built from rules/index.json (see rule-list-pages.ts for
// its format), with the state in the URL (?level=high,critical&sort=-modified). The page's own rows and
// its links to /rules/page/<n>/ are what a reader without JavaScript gets; this script replaces them.
// Rule text only ever reaches the page as textContent or attribute values.
(function () {
  'use strict';
  var table = document.getElementById('rule-table');
  var form = document.getElementById('rule-facets');
  if (!table || !form || !window.fetch) return;
  var prefix = document.body.getAttribute('data-prefix') || '/';
  var panel = document.getElementById('rule-filter-panel');
  var groupsBox = document.getElementById('rule-facet-groups');
  var text = document.getElementById('facet-q');
  var counter = document.getElementById('rule-count');
  var more = document.getElementById('rule-more');
  var summary = document.getElementById('rule-filter-summary');
  var body = table.tBodies[0];
  var SORT_NAMES = { title: 'title', level: 'level', date: 'date', modified: 'last modified' };
  // The direction a column sorts in when first chosen: A to Z, most severe first, newest first.
  var FIRST_DESCENDING = { title: false, level: true, date: true, modified: true };

  fetch(table.getAttribute('data-index')).then(function (response) {
    if (!response.ok) throw new Error('HTTP ' + response.status);
    return response.json();
  }).then(start, function (error) {
    counter.textContent = counter.textContent + ' (Filters are unavailable: ' + error.message + '.)';
  });

  function start(index) {
    var rules = index.rules;
    var facets = index.facets;
    var pageSize = index.page;
    var defaultSort = index.sort;
    var titles = rules.map(function (rule) { return rule.t.toLowerCase(); });
    var techniqueFacet = -1;
    var levelFacet = -1;
    var statusFacet = -1;
    var profileFacet = -1;
    var runnableFacet = -1;
    facets.forEach(function (facet, position) {
      if (facet.key === 'technique') techniqueFacet = position;
      if (facet.key === 'level') levelFacet = position;
      if (facet.key === 'status') statusFacet = position;
      if (facet.key === 'profile') profileFacet = position;
      if (facet.key === 'runnable') runnableFacet = position;
    });
    var profileKeys = index.profiles || [];
    var RUNNABLE_LETTERS = { y: 'yes', p: 'partial', n: 'no' };
    // Per facet: the chosen value indexes (a URL value no rule has is added to the facet's values).
    var chosen = facets.map(function () { return []; });
    var sort = parseSort(defaultSort);
    var orders = {};
    var shownOrder = [];
    var shownRows = 0;
    var groups = [];

    function parseSort(value) {
      var descending = value.charAt(0) === '-';
      var key = descending ? value.slice(1) : value;
      return SORT_NAMES.hasOwnProperty(key) ? { key: key, descending: descending } : null;
    }
    function sortValue(rule, key) {
      if (key === 'title') return rule.n;
      if (key === 'level') return levelFacet < 0 || rule.f[levelFacet].length === 0 ? null : -rule.f[levelFacet][0];
      if (key === 'date') return rule.d || null;
      return rule.m || rule.d || null;
    }
    // Rule positions in a sort's order: missing values last either way, ties in title order. Computed
    // once per sort; the default sort is the file's own order.
    function orderOf(current) {
      var name = (current.descending ? '-' : '') + current.key;
      if (name === defaultSort) return null;
      if (orders[name]) return orders[name];
      var positions = rules.map(function (rule, position) { return position; });
      var values = rules.map(function (rule) { return sortValue(rule, current.key); });
      var direction = current.descending ? -1 : 1;
      positions.sort(function (a, b) {
        var x = values[a];
        var y = values[b];
        if (x !== y) {
          if (x === null) return 1;
          if (y === null) return -1;
          return (x < y ? -1 : 1) * direction;
        }
        return rules[a].n - rules[b].n;
      });
      orders[name] = positions;
      return positions;
    }

    // ---- State from and to the URL --------------------------------------------------------------------
    function readUrl() {
      var params = new URLSearchParams(location.search);
      text.value = params.get('q') || '';
      facets.forEach(function (facet, f) {
        chosen[f] = [];
        params.getAll(facet.key).join(',').split(',').forEach(function (raw) {
          // A "+" typed into a URL by hand arrives as a space: target specs use "+" (lucene+ecs_windows).
          var value = facet.key === 'target' ? raw.replace(/ /g, '+') : raw;
          if (!value) return;
          var at = facet.values.indexOf(value);
          if (at < 0) {
            facet.values.push(value);
            facet.labels.push(value);
            at = facet.values.length - 1;
          }
          if (chosen[f].indexOf(at) < 0) chosen[f].push(at);
        });
      });
      sort = parseSort(params.get('sort') || defaultSort) || parseSort(defaultSort);
    }
    function writeUrl() {
      var parts = [];
      var query = text.value.trim();
      if (query) parts.push('q=' + encodeURIComponent(query));
      facets.forEach(function (facet, f) {
        if (chosen[f].length === 0) return;
        var values = chosen[f].slice().sort(function (a, b) { return a - b; }).map(function (at) { return encodeURIComponent(facet.values[at]); });
        parts.push(facet.key + '=' + values.join(','));
      });
      var name = (sort.descending ? '-' : '') + sort.key;
      if (name !== defaultSort) parts.push('sort=' + encodeURIComponent(name));
      history.replaceState(null, '', location.pathname + (parts.length ? '?' + parts.join('&') : '') + location.hash);
    }

    // ---- Facet groups: a <details> each, options built when first opened ------------------------------
    facets.forEach(function (facet, f) {
      var details = document.createElement('details');
      details.className = 'facet-group';
      details.setAttribute('data-facet', facet.key);
      var head = document.createElement('summary');
      var label = document.createElement('span');
      label.className = 'facet-label';
      label.textContent = facet.label;
      var picked = document.createElement('span');
      picked.className = 'facet-picked';
      head.appendChild(label);
      head.appendChild(picked);
      details.appendChild(head);
      var group = { details: details, picked: picked, boxes: null, counts: null, facet: facet };
      details.addEventListener('toggle', function () {
        if (details.open && !group.boxes) buildOptions(group, f);
        if (details.open) apply(false, true);
      });
      groups.push(group);
      groupsBox.appendChild(details);
    });
    function buildOptions(group, f) {
      var fieldset = document.createElement('fieldset');
      var legend = document.createElement('legend');
      legend.className = 'visually-hidden';
      legend.textContent = group.facet.label;
      fieldset.appendChild(legend);
      group.boxes = [];
      group.counts = [];
      // One option made by hand, the others cloned from it: a facet can have a thousand values.
      var model = document.createElement('label');
      model.className = 'facet-option';
      var modelBox = document.createElement('input');
      modelBox.type = 'checkbox';
      modelBox.name = group.facet.key;
      model.appendChild(modelBox);
      model.appendChild(document.createElement('span'));
      var modelCount = document.createElement('span');
      modelCount.className = 'facet-count';
      model.appendChild(modelCount);
      group.facet.values.forEach(function (value, at) {
        var option = model.cloneNode(true);
        var box = option.firstChild;
        box.value = value;
        box.checked = chosen[f].indexOf(at) >= 0;
        box.addEventListener('change', function () {
          var position = chosen[f].indexOf(at);
          if (box.checked && position < 0) chosen[f].push(at);
          if (!box.checked && position >= 0) chosen[f].splice(position, 1);
          apply(true);
        });
        box.nextSibling.textContent = group.facet.labels[at];
        fieldset.appendChild(option);
        group.boxes.push(box);
        group.counts.push(option.lastChild);
      });
      group.details.appendChild(fieldset);
    }

    // ---- Sortable columns ------------------------------------------------------------------------------
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells).filter(function (cell) { return cell.hasAttribute('data-sort'); });
    heads.forEach(function (cell) {
      var key = cell.getAttribute('data-sort');
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort-button';
      button.textContent = cell.textContent;
      // The visible name stays first in the accessible one ("Rule, sort by title").
      var hint = document.createElement('span');
      hint.className = 'visually-hidden';
      hint.textContent = ', sort by ' + SORT_NAMES[key];
      button.appendChild(hint);
      cell.textContent = '';
      cell.appendChild(button);
      button.addEventListener('click', function () {
        sort = sort.key === key ? { key: key, descending: !sort.descending } : { key: key, descending: FIRST_DESCENDING[key] };
        apply(true);
      });
    });

    // ---- Filtering, counting, rendering ----------------------------------------------------------------
    // countsOnly: a facet group opened, the rows stay as they are.
    // `runnable` is tied to `profile`: a rule's values are its statuses in the chosen profiles (in every
    // profile when none is chosen), read from its letters (rule.p) whenever the chosen profiles change.
    var runnableFor = null;
    function tieRunnable() {
      if (profileFacet < 0 || runnableFacet < 0) return;
      var positions = chosen[profileFacet].map(function (at) { return profileKeys.indexOf(facets[profileFacet].values[at]); }).filter(function (at) { return at >= 0; });
      if (positions.length === 0) positions = profileKeys.map(function (key, at) { return at; });
      var key = positions.join(',');
      if (key === runnableFor) return;
      runnableFor = key;
      var values = facets[runnableFacet].values;
      for (var r = 0; r < rules.length; r += 1) {
        var own = [];
        for (var i = 0; i < positions.length; i += 1) {
          var at = values.indexOf(RUNNABLE_LETTERS[(rules[r].p || '').charAt(positions[i])]);
          if (at >= 0 && own.indexOf(at) < 0) own.push(at);
        }
        own.sort(function (a, b) { return a - b; });
        rules[r].f[runnableFacet] = own;
      }
    }

    function apply(updateUrl, countsOnly) {
      tieRunnable();
      var query = text.value.trim().toLowerCase();
      var active = [];
      var wanted = facets.map(function (facet, f) {
        if (chosen[f].length === 0) return null;
        active.push(f);
        var set = {};
        chosen[f].forEach(function (at) { set[at] = true; });
        return set;
      });
      // Option counts of the open groups: how many rules each option would leave, given the other filters.
      var counted = [];
      var counts = facets.map(function (facet, f) {
        if (!groups[f].details.open || !groups[f].boxes) return null;
        counted.push(f);
        return new Array(facet.values.length).fill(0);
      });
      // With `runnable` chosen, a profile option counts the rules of that status in that profile (the
      // rows read the status in the chosen profiles, which is not what the other options would show).
      var profileCounts = profileFacet >= 0 && counts[profileFacet] && wanted[runnableFacet] ? new Array(facets[profileFacet].values.length).fill(0) : null;
      var matches = new Uint8Array(rules.length);
      var shown = 0;
      for (var r = 0; r < rules.length; r += 1) {
        if (query && titles[r].indexOf(query) < 0) continue;
        var values = rules[r].f;
        var failed = -1;
        var failures = 0;
        for (var a = 0; a < active.length && failures < 2; a += 1) {
          var f = active[a];
          var own = values[f];
          var hit = false;
          for (var v = 0; v < own.length && !hit; v += 1) hit = wanted[f][own[v]] === true;
          if (!hit) { failures += 1; failed = f; }
        }
        if (failures === 0) {
          matches[r] = 1;
          shown += 1;
          for (var c = 0; c < counted.length; c += 1) countValues(counts[counted[c]], values[counted[c]]);
        } else if (failures === 1 && counts[failed]) {
          countValues(counts[failed], values[failed]);
        }
        if (profileCounts) countProfiles(r, active, wanted, profileCounts);
      }
      if (profileCounts) counts[profileFacet] = profileCounts;
      counted.forEach(function (f) {
        var group = groups[f];
        group.counts.forEach(function (span, at) {
          var label = '(' + counts[f][at] + ')';
          if (span.textContent !== label) span.textContent = label;
        });
      });
      groups.forEach(function (group, f) {
        group.picked.textContent = chosen[f].length === 0 ? '' : ': ' + chosen[f].map(function (at) { return group.facet.labels[at]; }).join(', ');
      });
      if (countsOnly) return;
      var order = orderOf(sort);
      shownOrder = [];
      for (var i = 0; i < rules.length; i += 1) {
        var position = order ? order[i] : i;
        if (matches[position]) shownOrder.push(position);
      }
      body.textContent = '';
      shownRows = 0;
      renderMore();
      heads.forEach(function (cell) {
        if (cell.getAttribute('data-sort') === sort.key) cell.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
        else cell.removeAttribute('aria-sort');
      });
      var filters = active.length + (query ? 1 : 0);
      summary.textContent = filters === 0 ? '' : '(' + filters + ' active)';
      var sortedBy = SORT_NAMES[sort.key] + (sort.descending ? ', descending' : ', ascending');
      counter.textContent = (shown === rules.length ? rules.length + ' rules' : shown + ' of ' + rules.length + ' rules match') + ', sorted by ' + sortedBy + '.';
      if (updateUrl) scheduleUrl();
    }
    // history.replaceState costs tens of milliseconds on a busy machine: the URL follows once typing and
    // clicking pause, and before the page is left.
    var urlTimer = null;
    function scheduleUrl() {
      clearTimeout(urlTimer);
      urlTimer = setTimeout(function () { urlTimer = null; writeUrl(); }, 200);
    }
    window.addEventListener('pagehide', function () {
      if (urlTimer !== null) { clearTimeout(urlTimer); urlTimer = null; writeUrl(); }
    });
    function countProfiles(r, active, wanted, into) {
      var values = rules[r].f;
      for (var a = 0; a < active.length; a += 1) {
        var f = active[a];
        if (f === profileFacet || f === runnableFacet) continue;
        var hit = false;
        for (var v = 0; v < values[f].length && !hit; v += 1) hit = wanted[f][values[f][v]] === true;
        if (!hit) return;
      }
      var statuses = facets[runnableFacet].values;
      values[profileFacet].forEach(function (at) {
        var letter = (rules[r].p || '').charAt(profileKeys.indexOf(facets[profileFacet].values[at]));
        if (wanted[runnableFacet][statuses.indexOf(RUNNABLE_LETTERS[letter])] === true) into[at] += 1;
      });
    }
    function countValues(into, values) {
      for (var v = 0; v < values.length; v += 1) into[values[v]] += 1;
    }
    function renderMore() {
      var end = Math.min(shownOrder.length, shownRows + pageSize);
      var fragment = document.createDocumentFragment();
      for (; shownRows < end; shownRows += 1) fragment.appendChild(row(rules[shownOrder[shownRows]]));
      body.appendChild(fragment);
      var left = shownOrder.length - shownRows;
      more.hidden = left === 0;
      more.textContent = 'Show ' + Math.min(left, pageSize) + ' more (' + left + ' not shown)';
    }
    function badge(kind, facet, rule) {
      var cell = document.createElement('td');
      if (facet < 0 || rule.f[facet].length === 0) return cell;
      var value = facets[facet].values[rule.f[facet][0]];
      var span = document.createElement('span');
      span.className = 'badge ' + kind + ' ' + kind + '-' + (index.known[kind].indexOf(value) >= 0 ? value : 'other');
      span.textContent = value;
      cell.appendChild(span);
      return cell;
    }
    function cell(textValue, className) {
      var td = document.createElement('td');
      td.textContent = textValue;
      if (className) td.className = className;
      return td;
    }
    function row(rule) {
      var tr = document.createElement('tr');
      var first = document.createElement('td');
      var anchor = document.createElement('a');
      anchor.href = prefix + rule.u;
      anchor.textContent = rule.t;
      first.appendChild(anchor);
      tr.appendChild(first);
      tr.appendChild(badge('level', levelFacet, rule));
      tr.appendChild(badge('status', statusFacet, rule));
      tr.appendChild(cell(index.sources[rule.s]));
      tr.appendChild(cell(rule.k.map(function (at) { return facets[techniqueFacet].values[at]; }).join(' ')));
      tr.appendChild(cell(rule.d || '', 'date'));
      tr.appendChild(cell(rule.m || '', 'date'));
      return tr;
    }

    more.addEventListener('click', renderMore);
    text.addEventListener('input', function () { apply(true); });
    form.addEventListener('submit', function (event) { event.preventDefault(); apply(true); });
    document.getElementById('facet-reset').addEventListener('click', function (event) {
      event.preventDefault();
      text.value = '';
      chosen = facets.map(function () { return []; });
      groups.forEach(function (group) {
        (group.boxes || []).forEach(function (box) { box.checked = false; });
      });
      sort = parseSort(defaultSort);
      apply(true);
    });
    readUrl();
    panel.hidden = false;
    // Open beside a wide table; on a phone closed, so that the rules come first.
    if (window.matchMedia('(min-width: 60em)').matches) panel.open = true;
    document.getElementById('rule-pager').hidden = true;
    apply(false);
    // The options of every facet are built while the reader looks at the list, so that opening one only
    // shows it (a facet can have a thousand values).
    var idle = window.requestIdleCallback || function (callback) { return setTimeout(callback, 200); };
    groups.forEach(function (group, f) {
      idle(function () { if (!group.boxes) buildOptions(group, f); });
    });
  }
})();
