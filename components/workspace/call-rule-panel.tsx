"use client";

// "Call this rule": how another system runs this rule over HTTP, as curl, JavaScript and Python
// snippets for /execute and /execute/batch, filled with this server's address, the rule's id and
// the selected test input; the key comes from RULEBOX_API_KEY (an admin creates keys at /keys).
import Link from "next/link";
import { useEffect, useState } from "react";
import { useSession } from "@/components/auth/session";
import { Tabs } from "@/components/ui/tabs";
import { API_KEY_ENV, callSnippet, type CallEndpoint, type SnippetLanguage } from "./call-snippets";

const COPIED_VISIBLE_MS = 2000;

export function CallRulePanel({ ruleId, input, inputName, publishedVersion, archived }: { ruleId: string; input: unknown; inputName: string; publishedVersion: number | null; archived: boolean }) {
  const { can } = useSession();
  const [endpoint, setEndpoint] = useState<CallEndpoint>("execute");
  const [language, setLanguage] = useState<SnippetLanguage>("curl");
  const [baseUrl, setBaseUrl] = useState("");
  const [copied, setCopied] = useState(false);
  useEffect(() => setBaseUrl(window.location.origin), []);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), COPIED_VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [copied]);

  const snippet = callSnippet({ baseUrl, ruleId, input }, endpoint, language);
  const copy = async () => {
    await navigator.clipboard.writeText(snippet);
    setCopied(true);
  };

  return (
    <section aria-label="Call this rule" className="rb-stack">
      <h3 style={{ margin: 0, fontSize: 13 }}>Call this rule</h3>
      <p className="rb-muted" style={{ margin: 0 }}>
        {archived
          ? "This rule is archived: execute refuses it until it is restored."
          : publishedVersion === null
            ? 'No version is live yet: publish one, or pin "version" in the body.'
            : `Other systems run the live version (v${publishedVersion}) with an API key in ${API_KEY_ENV}.`}{" "}
        The example input is “{inputName}”.{" "}
        {can("admin") ? <Link href="/keys">Create an API key</Link> : "An admin creates API keys."} · <Link href="/api-docs">API reference</Link>
      </p>
      <div role="radiogroup" aria-label="Endpoint" className="rb-row">
        {(["execute", "batch"] as const).map((e) => (
          <label key={e} className="rb-row" style={{ gap: 4 }}>
            <input type="radio" name="call-endpoint" checked={endpoint === e} onChange={() => setEndpoint(e)} />
            <code>{e === "execute" ? "/execute" : "/execute/batch"}</code>
          </label>
        ))}
      </div>
      <Tabs<SnippetLanguage>
        label="Snippet language"
        active={language}
        onChange={setLanguage}
        tabs={[
          { key: "curl", name: "curl", label: "curl" },
          { key: "javascript", name: "JavaScript", label: "JavaScript" },
          { key: "python", name: "Python", label: "Python" },
        ]}
      >
        <div className="rb-call-snippet">
          <pre className="rb-pre" aria-label={`${language} snippet`} data-testid="call-snippet">
            {snippet}
          </pre>
          <button type="button" className="rb-btn rb-btn-sm" onClick={() => void copy()}>
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
      </Tabs>
    </section>
  );
}
