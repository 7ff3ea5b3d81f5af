// Minimal demo desk: log in, go available, receive conversations live, answer. Citizen text is shown as text.
(function () {
  var state = { token: null, socket: null, conversations: new Map(), messages: new Map(), current: null };
  function el(id) { return document.getElementById(id); }

  function renderList() {
    var nav = el('conversations');
    nav.textContent = '';
    state.conversations.forEach(function (c) {
      var button = document.createElement('button');
      button.textContent = c.contact.name + (c.lastMessage ? ' — ' + c.lastMessage.text.slice(0, 40) : '');
      button.addEventListener('click', function () { state.current = c.id; renderMessages(); });
      nav.appendChild(button);
    });
  }

  function renderMessages() {
    var list = el('messages');
    list.textContent = '';
    (state.messages.get(state.current) || []).forEach(function (m) {
      var item = document.createElement('li');
      item.className = m.author === 'agent' ? 'mine' : '';
      item.textContent = m.text;
      var small = document.createElement('small');
      small.textContent = m.author === 'agent' ? m.deliveryStatus : 'citoyen';
      item.appendChild(small);
      list.appendChild(item);
    });
  }

  function addMessage(m) {
    var list = state.messages.get(m.conversationId) || [];
    var found = list.findIndex(function (x) { return x.id === m.id; });
    if (found >= 0) list[found] = m; else list.push(m);
    state.messages.set(m.conversationId, list);
    var c = state.conversations.get(m.conversationId);
    if (c) c.lastMessage = m;
    renderList();
    if (state.current === m.conversationId) renderMessages();
  }

  function connect() {
    var socket = io('/desk', { auth: { token: state.token } });
    state.socket = socket;
    socket.on('conversation:assigned', function (event) {
      state.conversations.set(event.conversation.id, event.conversation);
      state.messages.set(event.conversation.id, event.messages);
      if (!state.current) state.current = event.conversation.id;
      renderList();
      renderMessages();
    });
    socket.on('message:new', addMessage);
    socket.on('message:status', function (s) {
      var m = (state.messages.get(s.conversationId) || []).find(function (x) { return x.id === s.messageId; });
      if (m) { m.deliveryStatus = s.status; renderMessages(); }
    });
    socket.on('connect', function () {
      socket.emit('presence:set', { presence: el('presence').value }, function () {});
      fetch('/api/desk/conversations', { headers: { authorization: 'Bearer ' + state.token } })
        .then(function (r) { return r.json(); })
        .then(function (list) {
          list.forEach(function (c) {
            state.conversations.set(c.id, c);
            fetch('/api/conversations/' + c.id, { headers: { authorization: 'Bearer ' + state.token } })
              .then(function (r) { return r.json(); })
              .then(function (full) { state.messages.set(c.id, full.messages); renderMessages(); });
          });
          renderList();
        });
    });
  }

  el('login').addEventListener('submit', function (event) {
    event.preventDefault();
    fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: el('login-id').value, password: el('password').value }),
    }).then(function (r) {
      if (!r.ok) throw new Error('Identifiant ou mot de passe incorrect');
      return r.json();
    }).then(function (session) {
      state.token = session.accessToken;
      el('me').textContent = session.agent.name;
      el('login').hidden = true;
      el('desk').hidden = false;
      connect();
    }).catch(function (error) { alert(error.message); });
  });

  el('presence').addEventListener('change', function () {
    state.socket && state.socket.emit('presence:set', { presence: el('presence').value }, function () {});
  });

  el('composer').addEventListener('submit', function (event) {
    event.preventDefault();
    if (!state.current) return;
    var text = el('text').value.trim();
    if (!text) return;
    var clientMessageId = crypto.randomUUID().replace(/-/g, '');
    state.socket.emit('message:send', { conversationId: state.current, clientMessageId: clientMessageId, text: text }, function (ack) {
      if (!ack.ok) { alert(ack.error); return; }
      el('text').value = '';
      addMessage(ack.data);
    });
  });
})();
