import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Checkbox, CheckList, Field, FormActions, FormError, RadioRow, SubmitButton } from './form';

const html = renderToStaticMarkup;
const noop = () => undefined;

describe('form parts', () => {
  it('Field labels the control by id, with a hint only when given', () => {
    expect(html(h(Field, { id: 'x', label: 'Name', children: h('input', { id: 'x' }) }))).toBe('<div class="field"><label for="x">Name</label><input id="x"/></div>');
    expect(html(h(Field, { id: 'x', label: 'Name', help: 'Shown to people.', hidden: true, children: h('input', { id: 'x' }) }))).toBe(
      '<div class="field" hidden=""><label for="x">Name</label><input id="x"/><small class="help">Shown to people.</small></div>',
    );
    expect(html(h(Field, { id: 'f', label: 'Find', inline: true, children: h('input', { id: 'f', type: 'search' }) }))).toBe('<div class="field inline"><label for="f">Find</label><input id="f" type="search"/></div>');
  });

  it('FormError announces a message and is nothing without one', () => {
    expect(html(h(FormError, { error: 'Name taken.' }))).toBe('<p class="error-text" role="alert">Name taken.</p>');
    expect(html(h(FormError, { error: null }))).toBe('');
    expect(html(h(FormError, { error: '' }))).toBe('');
  });

  it('SubmitButton is disabled and says its busy label while busy, or when told', () => {
    expect(html(h(SubmitButton, { busy: false, label: 'Save model' }))).toBe('<button type="submit">Save model</button>');
    expect(html(h(SubmitButton, { busy: true, label: 'Save model' }))).toBe('<button type="submit" disabled="">Saving…</button>');
    expect(html(h(SubmitButton, { busy: true, label: 'Sign in', busyLabel: 'Signing in…', className: 'wide' }))).toBe('<button type="submit" class="wide" disabled="">Signing in…</button>');
    expect(html(h(SubmitButton, { busy: false, disabled: true, label: 'Run' }))).toBe('<button type="submit" disabled="">Run</button>');
  });

  it('FormActions puts the submit button first, then the other buttons', () => {
    expect(html(h(FormActions, { busy: false, label: 'Run' }, h('button', { type: 'button' }, 'Clear')))).toBe('<div class="form-actions"><button type="submit">Run</button><button type="button">Clear</button></div>');
  });

  it('Checkbox, CheckList and RadioRow mark what is chosen', () => {
    expect(html(h(Checkbox, { checked: true, onChange: noop, children: 'Enabled' }))).toBe('<label class="check"><input type="checkbox" checked=""/> Enabled</label>');
    expect(html(h(CheckList, { legend: 'Scopes', options: ['chat', 'admin'], value: ['chat'], onChange: noop, titles: { admin: 'the admin API' } }))).toBe(
      '<fieldset><legend>Scopes</legend><div class="checks">' +
        '<label class="check"><input type="checkbox" checked=""/> chat</label>' +
        '<label class="check" title="the admin API"><input type="checkbox"/> admin</label></div></fieldset>',
    );
    expect(html(h(RadioRow<'a' | 'b'>, { name: 'pick', value: 'b', onChange: noop, options: [['a', 'First'], ['b', 'Second']] }))).toBe(
      '<div class="radio-row"><label class="check"><input type="radio" name="pick"/> First</label><label class="check"><input type="radio" name="pick" checked=""/> Second</label></div>',
    );
  });
});
