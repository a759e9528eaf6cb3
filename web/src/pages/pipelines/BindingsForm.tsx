import { useState } from 'react';
import { pipelineApi, type BindingSpec } from '../../api/pipelines';
import { useAction } from '../../api/use-action';
import { Checkbox, Field, FormActions, FormError } from '../../components/form';

const split = (s: string) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))];

/**
 * Which requests run this pipeline: model names clients send (aliases), API keys, projects, or
 * every request no other pipeline takes (the default). Saved together; the server refuses a
 * name another pipeline already holds.
 */
export function BindingsForm({ pipelineId, bindings, readOnly, published, onSaved }: { pipelineId: string; bindings: BindingSpec; readOnly: boolean; published: boolean; onSaved: (b: BindingSpec) => void }) {
  const [aliases, setAliases] = useState(bindings.aliases.join(', '));
  const [keys, setKeys] = useState(bindings.keys.join(', '));
  const [projects, setProjects] = useState(bindings.projects.join(', '));
  const [isDefault, setDefault] = useState(bindings.default);
  const act = useAction();
  return (
    <form
      className="form"
      aria-label="Routing"
      onSubmit={async (e) => {
        e.preventDefault();
        const saved = await act.run(() => pipelineApi.setBindings(pipelineId, { aliases: split(aliases), keys: split(keys), projects: split(projects), default: isDefault }));
        if (saved) onSaved(saved);
      }}
    >
      {!published && <p className="notice">Nothing is published yet: requests routed here are refused until a version is published.</p>}
      <fieldset disabled={readOnly} className="form">
        <legend>Route here</legend>
        <Field id="bind-aliases" label="Requests for these model names" help="Clients send one of these as `model`; the pipeline decides which upstream answers.">
          <input id="bind-aliases" value={aliases} onChange={(e) => setAliases(e.target.value)} placeholder="e.g. smart-chat, support-bot" />
        </Field>
        <Field id="bind-keys" label="Requests with these API key ids">
          <input id="bind-keys" value={keys} onChange={(e) => setKeys(e.target.value)} placeholder="none" />
        </Field>
        <Field id="bind-projects" label="Requests from these projects">
          <input id="bind-projects" value={projects} onChange={(e) => setProjects(e.target.value)} placeholder="none" />
        </Field>
        <Checkbox checked={isDefault} onChange={setDefault}>
          Every other request (the default pipeline)
        </Checkbox>
      </fieldset>
      <FormError error={act.error} />
      {!readOnly && <FormActions busy={act.busy} label="Save routing" />}
    </form>
  );
}
