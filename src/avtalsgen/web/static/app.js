/* avtalsgen serve: the little JavaScript the pages need (no inline scripts: CSP). */
(function () {
  'use strict';

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  // HTMX requests carry the CSRF token in its header.
  document.addEventListener('htmx:configRequest', function (event) {
    event.detail.headers['x-csrftoken'] = csrfToken();
  });

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // The texts of the form's page in its language (Swedish, or English when asked), from
  // the server's catalogue (web/editortexts.py): json-editor's under "editor", this
  // script's own beside them.
  var texts = null;
  function text(key) {
    if (texts === null) { texts = readJson('editor-texts') || {}; }
    return texts[key] || '';
  }

  function fieldLabel(editor) {
    return (editor.schema && editor.schema.title) || editor.key || '';
  }

  function capital(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function header(editor) {
    var text = editor.getHeaderText ? editor.getHeaderText() : '';
    return capital((text || fieldLabel(editor)).trim());
  }

  // Each input's accessible name is its label, followed by the groups it lies in where it
  // lies in one ("Titel (Avtal, Undertecknare)"): fields of the same name in different
  // groups (the actor's and the signatory's Namn) can be told apart by ear.
  function describeInputs(root) {
    var index = 0;
    Object.keys(root.editors).forEach(function (path) {
      var editor = root.editors[path];
      if (!editor || !editor.input || editor.input.tagName === undefined) { return; }
      var input = editor.input;
      if (!input.id) {
        input.id = 'falt-' + path.replace(/[^A-Za-z0-9]/g, '-') + '-' + (index++);
      }
      var groups = [];
      var parent = editor.parent;
      while (parent && parent.parent) {
        groups.unshift(header(parent));
        parent = parent.parent;
      }
      var name = fieldLabel(editor);
      if (editor.parent && editor.parent.schema && editor.parent.schema.type === 'array') {
        // An item of a list of texts: "Beslutspunkter 2".
        var list = editor.parent;
        groups.pop();
        if (list.parent && list.parent.switcher) {
          // A list that is one of a field's forms (a paragraph's Beslut): named by the field.
          list = list.parent;
          groups.pop();
        }
        name = capital(fieldLabel(list)) + ' ' + (Number(editor.key) + 1);
      }
      var label = groups.length ? name + ' (' + groups.join(', ') + ')' : name;
      if (groups.length || !input.labels || input.labels.length === 0) {
        input.setAttribute('aria-label', label);
      }
    });
    // The choice between a field's forms (a paragraph's Beslut: as proposed, or worded
    // otherwise) is labelled by its field; json-editor labels it by its inner path.
    Object.keys(root.editors).forEach(function (path) {
      var editor = root.editors[path];
      if (!editor || !editor.switcher || !editor.switcher.id) { return; }
      var switcherLabel = document.querySelector('label[for="' + CSS.escape(editor.switcher.id) + '"]');
      var groups = [];
      var parent = editor.parent;
      while (parent && parent.parent) {
        groups.unshift(header(parent));
        parent = parent.parent;
      }
      var text = fieldLabel(editor) + (groups.length ? ' (' + groups.join(', ') + ')' : '');
      if (switcherLabel && switcherLabel.textContent !== text) { switcherLabel.textContent = text; }
    });
  }

  // On an English page the form's values are still the case file's Swedish words and
  // text, and so are the labels and headings the schema marks (x-label-lang: Dnr): marked
  // as Swedish (WCAG 3.1.2, language of parts), so that a screen reader says them as
  // Swedish. Other labels, help texts, buttons and the form's own heading are the page's
  // language; so are a list's rows' titles ("item 1").
  function markSwedish(root) {
    if ((document.documentElement.getAttribute('lang') || 'sv') === 'sv') { return; }
    function mark(element) {
      if (element && element.setAttribute && !element.hasAttribute('lang')) {
        element.setAttribute('lang', 'sv');
      }
    }
    Object.keys(root.editors).forEach(function (path) {
      var editor = root.editors[path];
      if (!editor || path === 'root') { return; }
      mark(editor.input);
      if (!editor.schema || editor.schema['x-label-lang'] !== 'sv') { return; }
      mark(editor.label);
      if (editor.title && !/^\d+$/.test(String(editor.key))) {
        // The heading's text: a list's heading ends in its (empty) holder of buttons.
        var words = Array.prototype.filter.call(editor.title.children, function (child) {
          return child.tagName === 'SPAN' && !child.classList.contains('je-header-button-holder');
        });
        mark(words.length ? words[words.length - 1] : editor.title);
      }
    });
  }

  // json-editor's tables show their "delete the last row" and "delete all" buttons under an
  // empty list until a row is added or removed: set each table's buttons as its rows need.
  function setTableButtons(root) {
    Object.keys(root.editors).forEach(function (path) {
      var editor = root.editors[path];
      if (editor && editor.table && typeof editor.refreshRowButtons === 'function' &&
          !editor.avtalsgenButtons) {
        editor.refreshRowButtons();
        editor.avtalsgenButtons = true;
      }
    });
  }

  // A link to a field of the form (``/arenden/X#root[aktor][organisationsnummer]``, from a
  // case's list of what to fill in) leads to it once the form is drawn: the browser looked
  // for it before it was there. So does a link to a heading below the form (a meeting's
  // ``#efter-rubrik``, where a step's page leads back to): the browser scrolled to it, and
  // the form drawn above it then pushed it thousands of pixels down.
  function focusLinkedField() {
    var hash = window.location.hash;
    if (!hash || hash.length < 2) { return; }
    var target = document.getElementById(decodeURIComponent(hash.substring(1)));
    if (!target) { return; }
    if (hash.indexOf('#root[') === 0) {
      target.focus();
      target.scrollIntoView({ block: 'center' });
    } else if (target.getAttribute('tabindex') === '-1' && /^H[1-6]$/.test(target.tagName)) {
      var show = function () {
        target.focus({ preventScroll: true });
        target.scrollIntoView({ block: 'start' });
      };
      show();
      // Again once the page has loaded, if it has not: what loads after the form is drawn
      // moves the heading further down.
      if (document.readyState !== 'complete') {
        window.addEventListener('load', show, { once: true });
      }
    }
  }

  function showProblems(root, problems) {
    problems.forEach(function (problem, number) {
      if (!problem.path) { return; }
      var path = problem.path;
      var editor = root.getEditor(path);
      while (!editor && path.indexOf('.') > 0) {
        path = path.substring(0, path.lastIndexOf('.'));
        editor = root.getEditor(path);
      }
      if (!editor) { return; }
      var id = 'fel-' + number;
      var message = document.createElement('p');
      message.className = 'field-error';
      message.id = id;
      message.textContent = problem.message;
      var input = editor.input;
      var container = editor.container;
      // The summary's link leads to the field: its input, or for a list or a group of
      // fields the first input in it, else its button to add a row.
      var target = input;
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        var described = input.getAttribute('aria-describedby');
        input.setAttribute('aria-describedby', described ? described + ' ' + id : id);
        input.insertAdjacentElement('afterend', message);
      } else if (container) {
        // Under the group's or the list's heading (a financier's): above it, the message
        // stood under the group before it, as if it were that one's.
        var heading = editor.title;
        if (heading && heading.parentNode === container) {
          heading.insertAdjacentElement('afterend', message);
        } else {
          container.insertAdjacentElement('afterbegin', message);
        }
        target = Array.prototype.find.call(
          container.querySelectorAll('input, select, textarea, button.json-editor-btn-add'),
          function (element) { return element.offsetParent !== null; }) || null;
        if (target) {
          var said = target.getAttribute('aria-describedby');
          target.setAttribute('aria-describedby', said ? said + ' ' + id : id);
        }
      }
      var link = document.querySelector('a[data-problem="' + number + '"]');
      if (link && target) {
        if (!target.id) { target.id = 'falt-' + number; }
        link.setAttribute('href', '#' + target.id);
        link.addEventListener('click', function (event) {
          event.preventDefault();
          target.focus();
          target.scrollIntoView({ block: 'center' });
        });
      }
    });
  }

  // A form sent with errors comes back with a summary of them at the top of its page (the
  // GOV.UK pattern): the focus goes there, so that a screen reader reads it out first and
  // a Tab leads to its links, each of which puts the focus on its field (a link's own jump
  // would only scroll there). On a form's page once the form is drawn (its problems are
  // linked to their fields then), on any other at once.
  function focusErrorSummary() {
    var summary = document.querySelector('[data-error-summary]');
    if (!summary) { return; }
    Array.prototype.forEach.call(summary.querySelectorAll('a[href^="#"]:not([data-problem])'),
      function (link) {
        link.addEventListener('click', function (event) {
          var field = document.getElementById(decodeURIComponent(link.hash.substring(1)));
          if (!field) { return; }
          event.preventDefault();
          field.focus();
          field.scrollIntoView({ block: 'center' });
        });
      });
    summary.focus();
  }

  // What was typed and not saved is kept in this tab (sessionStorage) from a save's sending
  // until a save has succeeded, with the version of the file it was based on (so a file
  // changed meanwhile is still refused with what changed), and filled in again when the
  // form's page is opened next: after a form sent when the session had ended (the server
  // answers with a page that leads through the login), or after the back button or a reload
  // on a page that refused a save (that page replaces its history entry with its own
  // address, which the browser then asks for again: no "resend the form?" and no error).
  // A saved new file's page has another address than the form it was sent from: the draft
  // removed is the one sent (kept under SENT), not only the page's own. A form filled in
  // from a file the user chose (data-draft "chosen") shows that file, not a draft.
  var SENT = 'avtalsgen-utkast-skickat';
  function draftKey(form) { return 'avtalsgen-utkast:' + form.getAttribute('action'); }

  function takeDraft(element, form) {
    var key = draftKey(form);
    var state = element.getAttribute('data-draft');
    var draft = null;
    try {
      if (state === 'saved') {
        window.sessionStorage.removeItem(key);
        var sent = window.sessionStorage.getItem(SENT);
        if (sent) { window.sessionStorage.removeItem(sent); }
        window.sessionStorage.removeItem(SENT);
      } else if (state === 'chosen') {
        draft = null;
      } else if (state === 'refused') {
        keepDraft(form, readJson('editor-data'));
        window.history.replaceState(null, '', window.location.href);
      } else {
        draft = JSON.parse(window.sessionStorage.getItem(key));
      }
    } catch (error) { draft = null; }
    if (!draft || typeof draft.data !== 'object') { return null; }
    form.querySelector('input[name=sha]').value = draft.sha || '';
    var name = form.querySelector('input[name=filnamn]');
    if (name && draft.filnamn) { name.value = draft.filnamn; }
    var notice = document.createElement('div');
    notice.className = 'notice';
    notice.setAttribute('role', 'status');
    var message = document.createElement('p');
    message.textContent = text('draft_restored');
    var discard = document.createElement('button');
    discard.type = 'button';
    discard.className = 'secondary';
    discard.textContent = text('draft_discard');
    discard.addEventListener('click', function () {
      window.sessionStorage.removeItem(key);
      window.location.reload();
    });
    notice.appendChild(message);
    notice.appendChild(discard);
    // Under the page's heading, where it is seen first (above the case's standing).
    var heading = document.querySelector('main h1');
    (heading || form).insertAdjacentElement(heading ? 'afterend' : 'beforebegin', notice);
    return draft.data;
  }

  function keepDraft(form, data) {
    var name = form.querySelector('input[name=filnamn]');
    try {
      window.sessionStorage.setItem(draftKey(form), JSON.stringify({
        data: data, sha: form.querySelector('input[name=sha]').value,
        filnamn: name ? name.value : null
      }));
    } catch (error) { /* storage full or off: the save goes on without a copy */ }
  }

  // Whether a section of the form holds something: a text, a ticked box, a number other
  // than 0, a row; the first of a list of choices is what it starts with (a change's type).
  function filled(value, schema) {
    schema = schema || {};
    if (value === null || value === undefined || value === '' || value === false || value === 0) {
      return false;
    }
    if (Array.isArray(value)) { return value.length > 0; }
    if (typeof value === 'object') {
      var properties = schema.properties || {};
      return Object.keys(value).some(function (key) { return filled(value[key], properties[key]); });
    }
    if (typeof value === 'string' && schema.enum && value === schema.enum[0]) { return false; }
    return true;
  }

  // A meeting's paragraph shows the sections its outcome (Utfall) uses, and any other that
  // holds something: not every section of every outcome, some 6 500 pixels a paragraph
  // (the outcomes' sections: x-outcome-fields of its schema, web/forms.py OUTCOME_FIELDS).
  function showOutcomeSections(root) {
    Object.keys(root.editors).forEach(function (path) {
      var paragraph = root.editors[path];
      var fields = paragraph && paragraph.schema && paragraph.schema['x-outcome-fields'];
      if (!fields || !/^root\.paragrafer\.\d+$/.test(path)) { return; }
      var outcome = root.getEditor(path + '.utfall');
      var used = fields.by_outcome[(outcome && outcome.getValue()) || ''] || fields.sections;
      // A section that holds something brings those that go with it (a tillagg its
      // motivering, whatever the outcome: web/forms.py SHOWN_WITH).
      Object.keys(fields.with_filled || {}).forEach(function (name) {
        var holder = root.getEditor(path + '.' + name);
        if (holder && filled(holder.getValue(), holder.schema)) {
          used = used.concat(fields.with_filled[name]);
        }
      });
      fields.sections.forEach(function (name) {
        var section = root.getEditor(path + '.' + name);
        if (!section || !section.container) { return; }
        var shown = used.indexOf(name) >= 0 || filled(section.getValue(), section.schema);
        if (section.container.hidden === shown) { section.container.hidden = !shown; }
      });
    });
  }

  function startEditor(element) {
    var JSONEditor = window.JSONEditor;
    // Its own English stays as it is, under "en".
    JSONEditor.defaults.languages.avtalsgen = text('editor');
    JSONEditor.defaults.language = 'avtalsgen';
    // The server validates with the CLI's loader and shows its messages at the fields; the
    // editor's own checks (in English, without the case's rules) are not shown.
    JSONEditor.defaults.themes.html.prototype.addInputError = function () {};
    // The editor strips anything that looks like HTML from every text ("purify"), which
    // would change a case's text ("<script>" in a title, "a < b"): case text is text, and
    // the editor puts it into the page as values and text nodes only.
    JSONEditor.AbstractEditor.prototype.purify = function (value) { return value; };
    JSONEditor.AbstractEditor.prototype.cleanText = function (text) { return text; };
    // The theme reads descriptions and headers as HTML to take their text ("<N>" in a
    // help text would vanish); they are put into the page as text nodes only.
    JSONEditor.AbstractTheme.prototype.cleanText = function (text) { return text; };
    var form = element.closest('form');
    var draft = takeDraft(element, form);
    var editor = new JSONEditor(element, {
      schema: readJson('editor-schema'),
      startval: draft || readJson('editor-data'),
      theme: 'html',
      iconlib: null,
      disable_edit_json: true,
      disable_properties: true,
      disable_collapse: true,
      disable_array_delete_all_rows: true,
      disable_array_delete_last_row: true,
      prompt_before_delete: false,
      show_errors: 'never',
      use_default_values: true,
      required_by_default: false,
      display_required_only: false
    });
    editor.on('ready', function () {
      setTableButtons(editor);
      describeInputs(editor);
      markSwedish(editor);
      showOutcomeSections(editor);
      showProblems(editor, readJson('editor-problems') || []);
      focusErrorSummary();
      focusLinkedField();
      window.addEventListener('hashchange', focusLinkedField);
      element.setAttribute('data-ready', 'true');
    });
    keepFocusInLists(element, editor);
    editor.on('change', function () {
      setTableButtons(editor);
      describeInputs(editor);
      markSwedish(editor);
      showOutcomeSections(editor);
    });
    form.addEventListener('submit', function () {
      var value = editor.getValue();
      document.getElementById('editor-data-field').value = JSON.stringify(value);
      keepDraft(form, value);
      try {
        window.sessionStorage.setItem(SENT, draftKey(form));
      } catch (error) { /* storage off: nothing was kept either */ }
    });
    // The editor's own inputs are named; only the JSON field is sent.
    form.addEventListener('formdata', function (event) {
      var keep = ['_csrf_token', 'sha', 'data', 'filnamn'];
      Array.from(event.formData.keys()).forEach(function (key) {
        if (keep.indexOf(key) < 0) { event.formData.delete(key); }
      });
    });
    window.avtalsgenEditor = editor;
  }

  // By the keyboard: a row added (its fields come before the button) is focused at its first
  // field, not left behind the button; a row removed leaves the focus in its list (at the
  // list's button to add one), not on the page's body, from which Tab starts at the top.
  function keepFocusInLists(element, editor) {
    var list = null;
    var pressed = false;
    element.addEventListener('click', function (event) {
      var button = event.target.closest ? event.target.closest('button') : null;
      list = button ? button.closest('[data-schematype="array"]') : null;
      pressed = list !== null;
    }, true);
    // After json-editor has drawn the change (it does so after telling of it). json-editor
    // tells of every row it draws, those of the file as the form is filled in too: only a
    // row added by its button takes the focus (the page opened at its last list's last row,
    // scrolled down past the fields above it).
    editor.on('addRow', function (row) {
      if (!pressed) { return; }
      pressed = false;
      window.setTimeout(function () {
        if (!row || !row.container) { return; }
        // The first field shown (json-editor keeps a hidden text area of the row's JSON).
        var fields = row.container.querySelectorAll('input:not([type=hidden]), select, textarea');
        var shown = Array.prototype.filter.call(fields, function (field) {
          return field.offsetParent !== null;
        });
        if (shown.length) { shown[0].focus(); }
      }, 0);
    });
    editor.on('deleteRow', function () {
      var removedFrom = list;
      // The row's button goes when json-editor draws the list again, a moment later: look
      // a few times, until the focus is lost (then put it back) or is somewhere else.
      var pressed = document.activeElement;
      var tries = 0;
      function look() {
        var active = document.activeElement;
        var lost = !active || active === document.body || !document.contains(active);
        if (!lost) {
          if (active === pressed && tries++ < 20) { window.setTimeout(look, 25); }
          return;
        }
        if (!removedFrom || !document.contains(removedFrom)) { return; }
        var owner = editor.getEditor(removedFrom.getAttribute('data-schemapath'));
        var add = owner && owner.add_row_button;
        if (add && add.offsetParent !== null) { add.focus(); }
      }
      window.setTimeout(look, 0);
    });
  }

  // The meeting's dates, computed by the server as the secretary types.
  function watchMeetingDates(editor) {
    var box = document.getElementById('meeting-dates');
    if (!box || !editor) { return; }
    function update() {
      var value = editor.getValue() || {};
      var query = new URLSearchParams({
        datum: value.datum || '', justeringsdatum: value.justeringsdatum || '',
        anslagsdatum: value.anslagsdatum || ''
      });
      window.htmx.ajax('GET', '/sammantraden/datum?' + query.toString(),
        { target: '#meeting-dates', swap: 'innerHTML' });
    }
    editor.on('change', update);
    update();
  }

  // A message as the server made it for the page (escaped there, with its places in the
  // files linked to their fields: web/placewords.py), else as text.
  function appendMessage(parent, html, text) {
    var span = document.createElement('span');
    if (html) { span.innerHTML = html; } else { span.textContent = text; }
    parent.appendChild(span);
  }

  // Live progress of a run (server-sent events).
  function followRun(element) {
    var source = new EventSource(element.getAttribute('data-events'));
    var list = document.getElementById('run-events');
    var state = document.getElementById('run-state');
    source.addEventListener('case', function (event) {
      var data = JSON.parse(event.data);
      var item = document.createElement('li');
      item.textContent = (data.dnr || data.case) + ': ' + (data.status_text || data.status);
      if (data.error || data.note) {
        item.appendChild(document.createTextNode(' – '));
        appendMessage(item, data.error ? data.error_html : data.note_html, data.error || data.note);
      }
      item.appendChild(document.createTextNode(' (' + data.seconds_text + ' s)'));
      // As the CLI prints them: "varning: ..." under the case's line.
      if (data.warnings && data.warnings.length) {
        var warnings = document.createElement('ul');
        warnings.className = 'warnings';
        data.warnings.forEach(function (text, number) {
          var warning = document.createElement('li');
          warning.textContent = data.warning_label;
          appendMessage(warning, (data.warnings_html || [])[number], text);
          warnings.appendChild(warning);
        });
        item.appendChild(warnings);
      }
      list.appendChild(item);
    });
    source.addEventListener('extract', function (event) {
      var data = JSON.parse(event.data);
      var item = document.createElement('li');
      item.textContent = '§ ' + data.paragraf + ' ' + data.dnr + ': ' +
        (data.status_text || data.status) + (data.files.length ? ', ' + data.version_text + ' –' : '');
      // Each file the run wrote, linked, as on the finished run's page.
      data.files.forEach(function (name) {
        var link = document.createElement('a');
        link.href = '/utdata/' + data.dnr + '/' + name;
        link.textContent = name;
        item.appendChild(document.createTextNode(' '));
        item.appendChild(link);
      });
      if (data.note) {
        item.appendChild(document.createTextNode(' – '));
        appendMessage(item, data.note_html, data.note);
      }
      list.appendChild(item);
    });
    var summary = null;
    source.addEventListener('step', function (event) {
      var data = JSON.parse(event.data);
      // What the step did and did not do: said after its state when it ends.
      if (data.summary) { summary = data.text; return; }
      var item = document.createElement('li');
      appendMessage(item, data.text_html, data.text);
      data.files.forEach(function (name) {
        var link = document.createElement('a');
        link.href = '/utdata/' + name;
        link.textContent = name.split('/').pop();
        item.appendChild(document.createTextNode(' '));
        item.appendChild(link);
      });
      list.appendChild(item);
    });
    source.addEventListener('end', function (event) {
      var data = JSON.parse(event.data);
      state.textContent = (data.state_text || data.state) +
        (data.error ? ': ' : (summary ? ' – ' + summary : ''));
      if (data.error) { appendMessage(state, data.error_html, data.error); }
      element.setAttribute('data-done', 'true');
      source.close();
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    // A form's answer (a packet signed) stands in the history under the address of the
    // page it shows: a reload or the back button asks for that page, not to send the form
    // again (which signed nothing and said "Inte signerat").
    var answer = document.querySelector('[data-history]');
    if (answer) {
      var address = answer.getAttribute('data-history');
      window.history.replaceState(null, '', address);
      // A link to that address with its fragment (a certification's link back to the
      // meeting's steps) would now only move within this page: it loads that page.
      document.querySelectorAll('a[href="' + address + '"]').forEach(function (link) {
        link.addEventListener('click', function (event) {
          event.preventDefault();
          // At the fragment, not where this page was scrolled (a reload keeps that).
          window.history.scrollRestoration = 'manual';
          window.location.reload();
        });
      });
    }
    var element = document.getElementById('editor');
    if (!element) { focusErrorSummary(); }
    if (element) {
      startEditor(element);
      if (element.getAttribute('data-kind') === 'sammantrade') {
        window.avtalsgenEditor.on('ready', function () { watchMeetingDates(window.avtalsgenEditor); });
      }
    }
    var run = document.getElementById('run');
    if (run && run.getAttribute('data-done') !== 'true') { followRun(run); }
  });
}());
