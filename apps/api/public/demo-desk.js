// The old demo desk page now forwards to the agent desk web app, keeping any bookmarked address working.
/* global window */
window.location.replace('/desk/' + window.location.hash);
