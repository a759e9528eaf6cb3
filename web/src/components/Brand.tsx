/** The product mark: two rails merging, drawn inline so it needs no asset. */
export function Brand({ compact = false }: { compact?: boolean }) {
  return (
    <div className="brand">
      <svg width="26" height="26" viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="var(--brand)" />
        <path d="M7 9h6c4 0 6 3 6 7s2 7 6 7M7 23h6c2 0 3.5-1 4.5-2.5" stroke="#fff" strokeWidth="2.6" fill="none" strokeLinecap="round" />
      </svg>
      {!compact && <span className="brand-name">Switchyard</span>}
    </div>
  );
}
