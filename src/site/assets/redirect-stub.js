// Redirect stubs (old and alternative addresses of a page) load this before their meta refresh: a
// meta refresh drops the address's #fragment, so /rules/<file name>/#splunk would lose its query tab.
// The target is the stub's rel=canonical link; without JavaScript the meta refresh still leads there.
(function () {
  'use strict';
  var canonical = document.querySelector('link[rel="canonical"]');
  if (canonical && location.hash.length > 1) location.replace(canonical.href.split('#')[0] + location.hash);
})();
