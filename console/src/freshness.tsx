import { useEffect, useState } from 'react';

/** A part's freshness as the graph reports it (docs/caching.md). */
export interface FreshnessOut {
  source: string;
  fetchedAt: string;
  stale: boolean;
}

function ago(fetchedAt: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(fetchedAt)) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

/** "as of 2 min ago", and ", stale" when the value came from the cache because its system failed. */
export function Freshness({ value }: { value: FreshnessOut | null | undefined }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  if (!value) return <span className="freshness unknown">freshness unknown</span>;
  return (
    <span className={value.stale ? 'freshness stale' : 'freshness'} title={`read from ${value.source} at ${value.fetchedAt}`}>
      as of {ago(value.fetchedAt, now)}
      {value.stale ? ', stale' : ''}
    </span>
  );
}
