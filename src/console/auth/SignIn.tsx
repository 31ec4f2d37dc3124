/** The sign-in form: the operator pastes a token once; the server answers with a session cookie. */
import { type FormEvent, useState } from 'react';
import { ErrorView } from '../ui/states';
import { useSignIn } from './session';

export function SignIn() {
  const [token, setToken] = useState('');
  const signIn = useSignIn();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate(token, { onSettled: () => setToken('') });
  };
  return (
    <main className="signin">
      <form onSubmit={submit} className="card" aria-labelledby="signin-title">
        <h1 id="signin-title">agentry</h1>
        <p className="muted">Paste an operator token. It is exchanged for a session and not kept by this page.</p>
        <label htmlFor="token">Operator token</label>
        <input id="token" name="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} placeholder="opk_…" required />
        <button type="submit" disabled={signIn.isPending || token.length === 0}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        {signIn.error && <ErrorView error={signIn.error} />}
      </form>
    </main>
  );
}
