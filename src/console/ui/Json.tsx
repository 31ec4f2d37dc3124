/** A value shown as indented JSON (configuration documents, free-form status reports). */
export function Json({ value }: { value: unknown }) {
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}
