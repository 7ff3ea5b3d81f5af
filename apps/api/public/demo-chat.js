// Minimal demo web chat: a resumable session, messages shown as text, replies acknowledged.
(function () {
  var TOKEN_KEY = 'brigade-demo-token';
  var list = document.getElementById('messages');
  var status = document.getElementById('status');
  var shown = new Set();
  var socket = io('/webchat', { auth: { token: localStorage.getItem(TOKEN_KEY) || undefined } });

  function show(message) {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    var item = document.createElement('li');
    item.className = message.author === 'citizen' ? 'mine' : '';
    var who = document.createElement('small');
    who.textContent = message.author === 'citizen' ? 'Vous' : message.authorName || 'Gendarmerie';
    item.appendChild(who);
    item.appendChild(document.createTextNode(message.text));
    list.appendChild(item);
    if (message.author === 'agent') socket.emit('message:ack', { ids: [message.id] });
  }

  socket.on('session', function (session) { localStorage.setItem(TOKEN_KEY, session.token); });
  socket.on('history', function (history) { history.messages.forEach(show); });
  socket.on('message', show);
  socket.on('status', function (s) {
    status.textContent = s.state === 'assigned' ? (s.agentName || 'Un gendarme') + ' vous répond.' : 'Un gendarme va vous répondre.';
  });
  document.getElementById('composer').addEventListener('submit', function (event) {
    event.preventDefault();
    var field = document.getElementById('text');
    var text = field.value.trim();
    if (!text) return;
    var clientMessageId = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9]/g, '');
    socket.emit('message:send', { clientMessageId: clientMessageId, text: text }, function (ack) {
      if (!ack.ok) { status.textContent = ack.error; return; }
      field.value = '';
      show({ id: ack.data.id, author: 'citizen', text: text });
    });
  });
})();
