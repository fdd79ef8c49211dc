"use client";

// Per-rule limits (with the server's defaults and caps) and the rule's name and description.
import { useEffect, useState } from "react";
import type { LimitsInput } from "@/server/contracts/run";
import { api, type LimitCaps } from "@/components/lib/api-client";
import { useAction } from "@/components/lib/use-action";
import { ErrorAlert } from "@/components/ui/error-alert";
import { LIMIT_FIELDS as FIELDS, validateLimits, type LimitKey } from "./limits-form";

export function SettingsPanel(props: {
  ruleId: string;
  name: string;
  description: string;
  limits: LimitsInput;
  /** A role that cannot edit rules sees the settings, not a form to change them. */
  readOnly?: boolean;
  onSaved: (rule: { name: string; description: string; limits: LimitsInput }) => void;
}) {
  const [caps, setCaps] = useState<LimitCaps | null>(null);
  const [capsError, setCapsError] = useState<unknown>(null);
  const [text, setText] = useState<Record<LimitKey, string>>(() => ({
    timeoutMs: props.limits.timeoutMs?.toString() ?? "",
    memoryMb: props.limits.memoryMb?.toString() ?? "",
    maxOutputBytes: props.limits.maxOutputBytes?.toString() ?? "",
    maxLogBytes: props.limits.maxLogBytes?.toString() ?? "",
  }));
  const [name, setName] = useState(props.name);
  const [description, setDescription] = useState(props.description);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, perform] = useAction(setError);

  useEffect(() => {
    api.limits().then(setCaps, setCapsError);
  }, []);

  const { limits, errors } = validateLimits(text, caps?.caps ?? null);
  const hasErrors = Object.keys(errors).length > 0;

  const save = async () => {
    setSaved(null);
    await perform(async () => {
      const patch: { name?: string; description?: string; limits: LimitsInput } = { limits };
      if (name.trim() !== props.name) patch.name = name.trim();
      if (description !== props.description) patch.description = description;
      await api.updateRule(props.ruleId, patch);
      props.onSaved({ name: patch.name ?? props.name, description: patch.description ?? props.description, limits });
      setSaved("Settings saved. They apply to runs from now on and are recorded with the next saved version.");
    });
  };

  const readOnly = props.readOnly ?? false;
  return (
    <form
      className="rb-stack"
      aria-label="Rule settings"
      onSubmit={(e) => {
        e.preventDefault();
        if (!readOnly && !hasErrors && name.trim() !== "") void save();
      }}
    >
      {/* A disabled fieldset makes every control inside read-only at once. */}
      <fieldset disabled={readOnly} className="rb-stack" style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
        <label className="rb-field">
          <span>Name</span>
          <input className="rb-input" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={name.trim() === ""} required />
        </label>
        <label className="rb-field">
          <span>Description</span>
          <textarea className="rb-textarea" style={{ fontFamily: "var(--sans)", fontSize: 14 }} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <h3 className="rb-section-title">Limits</h3>
        {capsError !== null && <ErrorAlert error={capsError} />}
        <div className="rb-grid-2">
          {FIELDS.map((f) => (
            <label key={f.key} className="rb-field">
              <span>
                {f.label} ({f.unit})
              </span>
              <input
                className="rb-input"
                inputMode="numeric"
                value={text[f.key]}
                placeholder={caps ? String(caps.defaults[f.key]) : ""}
                aria-invalid={errors[f.key] !== undefined}
                aria-describedby={`limit-hint-${f.key}`}
                onChange={(e) => setText((t) => ({ ...t, [f.key]: e.target.value }))}
              />
              <span id={`limit-hint-${f.key}`} className={errors[f.key] ? "rb-field-error" : "rb-hint"}>
                {errors[f.key] ?? (caps ? `Default ${f.format(caps.defaults[f.key])} · server max ${f.format(caps.caps[f.key])}` : "Loading server caps…")}
              </span>
            </label>
          ))}
        </div>
        {error !== null && <ErrorAlert error={error} onDismiss={() => setError(null)} />}
        {saved && (
          <p role="status" className="rb-hint" style={{ margin: 0 }}>
            {saved}
          </p>
        )}
      </fieldset>
      {readOnly ? (
        <p className="rb-hint" style={{ margin: 0 }}>
          Read-only: your role reads rules; an author changes the name, description and limits.
        </p>
      ) : (
        <div className="rb-row">
          <button type="submit" className="rb-btn rb-btn-primary" disabled={busy || hasErrors || name.trim() === ""}>
            {busy ? "Saving…" : "Save settings"}
          </button>
        </div>
      )}
    </form>
  );
}
