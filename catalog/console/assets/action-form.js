/* global document, fetch, URL, AbortController, setTimeout, clearTimeout, location, FormData */
// The action form's helpers. Without this script the form still works: identifiers are typed, and the entities
// offered first are in each picker's list from the server.

// After a refusal, focus goes to the list of what to change, so that it is read first.
document.getElementById('form-problems')?.focus();

const SEARCH_DELAY_MS = 200;
const MAX_FORM_CHARS = 16 * 1024;

/** The inputs' values as the form holds them (text; a control sent several times, a list), as JSON. */
function formValues(form) {
  const values = {};
  if (!form) return '{}';
  for (const [name, value] of new FormData(form)) {
    if (!name.startsWith('input.') || typeof value !== 'string') continue;
    const input = name.slice('input.'.length);
    values[input] = Object.hasOwn(values, input) ? [].concat(values[input], value) : value;
  }
  return JSON.stringify(values);
}

/**
 * A request made a moment after the last change, the one before it given up: `urlOf` says where (or undefined for
 * none), `onAnswer` takes the JSON of a 2xx answer. A failed or overtaken request changes nothing on the page.
 */
function debouncedJson(urlOf, onAnswer) {
  let timer;
  let pending;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      pending?.abort();
      pending = new AbortController();
      const url = urlOf();
      if (!url) return;
      try {
        const answer = await fetch(url, { signal: pending.signal, headers: { accept: 'application/json' } });
        if (answer.ok) onAnswer(await answer.json());
      } catch {
        // Overtaken by the next change, or the server gone: what is typed still counts, and the server decides
        // again when the form is sent.
      }
    }, SEARCH_DELAY_MS);
  };
}

for (const picker of document.querySelectorAll('input[data-entity-options]')) {
  const list = document.getElementById(picker.getAttribute('list'));
  const search = debouncedJson(
    () => {
      const url = new URL(picker.dataset.entityOptions, location.href);
      url.searchParams.set('q', picker.value.trim());
      // An input's dataset may read the form as it stands (`.form.environment`): its values go with the search.
      const form = formValues(picker.form);
      if (form.length <= MAX_FORM_CHARS) url.searchParams.set('form', form);
      return url;
    },
    ({ entities }) =>
      // Options are built with textContent and value: an entity's title never becomes markup.
      list.replaceChildren(
        ...entities.map((entity) => {
          const option = document.createElement('option');
          option.value = entity.identifier;
          option.textContent = entity.title ?? '';
          return option;
        }),
      ),
  );
  picker.addEventListener('input', search);
  // A picker that adds to a list of identifiers (an array of entities): a chosen entity becomes a line of it.
  const target = picker.dataset.addTo && document.getElementById(picker.dataset.addTo);
  if (!target) continue;
  picker.addEventListener('change', () => {
    const chosen = picker.value.trim();
    if (chosen === '') return;
    const lines = target.value.split('\n').filter((line) => line.trim() !== '');
    if (!lines.includes(chosen)) target.value = [...lines, chosen].join('\n');
    picker.value = '';
  });
}

// Inputs shown only for some values of others (`visible` written as a jq query): the server works it out for the
// form as it stands, and the inputs it hides are hidden here; it leaves them out of the run when the form is sent.
const conditionalForm = document.querySelector('form[data-form-state]');
if (conditionalForm) {
  const refresh = debouncedJson(
    () => {
      const form = formValues(conditionalForm);
      if (form.length > MAX_FORM_CHARS) return undefined;
      const url = new URL(conditionalForm.dataset.formState, location.href);
      url.searchParams.set('form', form);
      return url;
    },
    ({ hidden }) => {
      for (const field of conditionalForm.querySelectorAll('[data-conditional]')) {
        field.hidden = hidden.includes(field.id.slice('field-'.length));
      }
    },
  );
  conditionalForm.addEventListener('change', refresh);
  conditionalForm.addEventListener('input', refresh);
}
