// atc-kb search page: Pagefind results as cards, twenty at a time, after the entities the query names
// (their id, name or every word of it; the names index is src/render/html/search-names.ts).
// Plain script, no dependencies. Indexed text is hostile: it only ever becomes text nodes.
(function () {
  'use strict';
  var form = document.getElementById('search-form');
  if (!form) return;
  var prefix = document.body.getAttribute('data-prefix') || '/';
  var PAGE_SIZE = 20;
  /** At most this many name matches go before Pagefind's own ranking. */
  var NAMED_FIRST = 3;
  var input = document.getElementById('search-q');
  var status = document.getElementById('search-status-line');
  var list = document.getElementById('search-results');
  var filterSelects = Array.prototype.slice.call(form.querySelectorAll('select'));
  var more = document.createElement('button');
  more.type = 'button';
  more.id = 'search-more';
  more.className = 'search-more';
  more.textContent = 'More results';
  more.hidden = true;
  list.parentNode.insertBefore(more, list.nextSibling);

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
  var namesPromise = null;
  /** The names index (search-names.ts) as objects: kind, url, title, id, names, and the set of its words. */
  function loadNames() {
    if (!namesPromise) {
      namesPromise = fetch(prefix + 'pagefind/atc-names.json').then(function (response) {
        return response.ok ? response.json() : { kinds: [], entries: [] };
      }).then(function (file) {
        return file.entries.map(function (row) {
          var all = words(row[3] + ' ' + row[2] + ' ' + row[4].join(' ') + ' ' + row[5]);
          return { kind: file.kinds[row[0]], url: prefix + row[1].slice(1), title: row[2], id: row[3], names: row[4], words: new Set(all), card: row[6] || {} };
        });
      }).catch(function () { return []; }); // without it, Pagefind's ranking alone
    }
    return namesPromise;
  }

  // The same words as normalizedWords in search-names.ts.
  function words(text) {
    return text.toLowerCase().split(/[^a-z0-9]+/).filter(function (word) { return word !== ''; });
  }
  /**
   * Entities the query names, best first: its id ("dn 0003"), then one of its names ("mimikatz"), then
   * every query word among its words ("sysmon 1"); within a tier the file's order (kind, then fewer words).
   */
  function namedEntities(names, query, filters) {
    var tokens = words(query);
    // Level, status and tactic describe rules; the names index holds none.
    if (tokens.length === 0 || filters.level || filters.status || filters.tactic) return [];
    var joined = tokens.join(' ');
    var tiers = [[], [], []];
    names.forEach(function (entry) {
      if (filters.type && entry.kind !== filters.type) return;
      if (entry.id === joined) tiers[0].push(entry);
      else if (entry.names.indexOf(joined) >= 0) tiers[1].push(entry);
      else if (tokens.every(function (token) { return entry.words.has(token); })) tiers[2].push(entry);
    });
    return tiers[0].concat(tiers[1], tiers[2]).slice(0, NAMED_FIRST);
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
  function span(className, text) {
    var element = document.createElement('span');
    element.className = className;
    element.textContent = text;
    return element;
  }
  /** One result: `card` holds kind, title, level, techniques (space-separated), logsource; all optional but the title. */
  function resultCard(url, card, excerpt) {
    var item = document.createElement('li');
    item.className = 'result-card';
    var facts = document.createElement('p');
    facts.className = 'result-facts';
    if (card.kind) facts.appendChild(span('badge tag result-kind', card.kind));
    if (card.level) facts.appendChild(span('badge level level-' + card.level.replace(/[^a-z]/g, ''), card.level));
    if (card.techniques) facts.appendChild(span('result-techniques', card.techniques));
    if (card.logsource) facts.appendChild(span('result-logsource', card.logsource));
    item.appendChild(facts);
    var anchor = document.createElement('a');
    anchor.className = 'result-title';
    anchor.href = url;
    anchor.textContent = card.title || url;
    item.appendChild(anchor);
    if (excerpt) {
      var text = document.createElement('p');
      text.className = 'result-excerpt';
      text.appendChild(excerptNodes(excerpt));
      item.appendChild(text);
    }
    return item;
  }
  function namedCard(entry) {
    return resultCard(entry.url, { kind: entry.kind, title: entry.title, level: entry.card.level, techniques: (entry.card.techniques || []).join(' '), logsource: entry.card.logSource }, '');
  }

  var generation = 0;
  /** The search being shown: Pagefind's results, how many of them are read, how many cards, the URLs listed. */
  var current = null;
  function showNext() {
    var search = current;
    var mine = generation;
    var batch = [];
    more.disabled = true;
    function fill() {
      if (batch.length >= PAGE_SIZE || search.next >= search.results.length) return Promise.resolve();
      var slice = search.results.slice(search.next, search.next + PAGE_SIZE - batch.length);
      search.next += slice.length;
      return Promise.all(slice.map(function (result) { return result.data(); })).then(function (items) {
        items.forEach(function (item) {
          if (search.listed.has(item.url)) return;
          search.listed.add(item.url);
          batch.push(item);
        });
        return fill();
      });
    }
    return fill().then(function () {
      if (mine !== generation) return;
      var first = null;
      batch.forEach(function (item) {
        var card = resultCard(item.url, item.meta || {}, item.excerpt || '');
        if (!first) first = card;
        list.appendChild(card);
      });
      search.shown += batch.length;
      // Named entities hold the query's words, so Pagefind counts them too (short of a stemming difference).
      var total = Math.max(search.results.length, search.shown);
      more.hidden = search.next >= search.results.length;
      more.disabled = false;
      status.textContent = search.shown === 0 ? 'No results.' : total + (total === 1 ? ' result' : ' results') + (more.hidden ? '.' : ', ' + search.shown + ' shown.');
      return first;
    });
  }
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
    current = null;
    more.hidden = true;
    if (!query && Object.keys(filters).length === 0) {
      list.textContent = '';
      status.textContent = 'Type a word to search rules, log sources, tests and techniques.';
      return;
    }
    status.textContent = 'Searching…';
    Promise.all([loadPagefind(), loadNames()]).then(function (loaded) {
      return loaded[0].search(query || null, { filters: filters }).then(function (found) { return { found: found, names: loaded[1] }; });
    }).then(function (answer) {
      if (mine !== generation) return;
      var named = namedEntities(answer.names, query, filters);
      var listed = new Set();
      list.textContent = '';
      named.forEach(function (entry) {
        listed.add(entry.url);
        list.appendChild(namedCard(entry));
      });
      current = { results: answer.found.results, next: 0, shown: named.length, listed: listed };
      return showNext();
    }).catch(function (error) {
      status.textContent = 'Search is unavailable: ' + error.message;
    });
  }
  more.addEventListener('click', function () {
    if (!current) return;
    showNext().then(function (first) {
      // Keyboard users continue from the first new result rather than from the top of the list.
      if (first) first.querySelector('a').focus();
    });
  });
  var timer = null;
  input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(function () { run(true); }, 150); });
  filterSelects.forEach(function (select) { select.addEventListener('change', function () { run(true); }); });
  form.addEventListener('submit', function (event) { event.preventDefault(); run(true); });
  run(false);
})();
