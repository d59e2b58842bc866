// Passkeys (WebAuthn): loaded only by the pages that offer one. Without this script, or in a browser without
// WebAuthn, the buttons stay hidden and the pages say so: the code of the app is the way in.
//
// A button [data-passkey="create"|"get"] takes its options from data-passkey-options (JSON the page carries) or
// from a POST to data-passkey-options-url (with the CSRF header, the form's "next" and "entrance"), asks the
// browser for the passkey, puts the answer in the form's "credential" field and sends the form: the server
// answers with a page, as for a code.
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    if (!buffer) return null;
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBytes(item.id), transports: item.transports };
    });
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = withIds(options.excludeCredentials);
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = withIds(options.allowCredentials);
    return options;
  }

  // The browser's answer as JSON, as py_webauthn reads it: the same envelope for both ceremonies.
  function answer(credential, response) {
    return {
      id: credential.id, rawId: toText(credential.rawId), type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      response: response, clientExtensionResults: {}
    };
  }

  function registration(credential) {
    var response = credential.response;
    return answer(credential, {
      clientDataJSON: toText(response.clientDataJSON), attestationObject: toText(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : []
    });
  }

  function assertion(credential) {
    var response = credential.response;
    return answer(credential, {
      clientDataJSON: toText(response.clientDataJSON), authenticatorData: toText(response.authenticatorData),
      signature: toText(response.signature), userHandle: toText(response.userHandle)
    });
  }

  function fetchOptions(button, form) {
    if (button.getAttribute("data-passkey-options")) {
      return Promise.resolve(JSON.parse(button.getAttribute("data-passkey-options")));
    }
    var meta = document.querySelector('meta[name="csrf-token"]');
    var body = new URLSearchParams();
    ["next", "entrance"].forEach(function (name) {
      if (form.elements[name]) body.append(name, form.elements[name].value);
    });
    return fetch(button.getAttribute("data-passkey-options-url"), {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRF-Token": meta ? meta.content : "" }
    }).then(function (response) {
      if (!response.ok) throw new Error("no options");
      return response.json();
    });
  }

  function use(button) {
    var form = button.form;
    var name = form.elements.name;
    var answer = form.elements.credential;
    if (name && !name.value.trim()) {  // the server says what is missing, next to the field
      form.submit();
      return;
    }
    button.disabled = true;
    fetchOptions(button, form).then(function (options) {
      if (button.getAttribute("data-passkey") === "create") {
        return navigator.credentials.create({ publicKey: creationOptions(options) }).then(registration);
      }
      return navigator.credentials.get({ publicKey: requestOptions(options) }).then(assertion);
    }).then(function (credential) {
      answer.value = JSON.stringify(credential);
    }, function () {
      answer.value = "";  // cancelled, or no passkey: the server says so
    }).then(function () {
      form.submit();
    });
  }

  if (!window.PublicKeyCredential || !navigator.credentials) return;
  document.querySelectorAll("[data-passkey-unavailable]").forEach(function (note) { note.hidden = true; });
  document.querySelectorAll("button[data-passkey]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      use(button);
    });
  });
})();
