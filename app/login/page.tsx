import { LoginForm } from '@/components/auth/LoginForm';

export default function LoginPage() {
  return (
    <main className="login card">
      <h1>Shardscope</h1>
      <p className="subtle">Sign in to the fleet console.</p>
      <LoginForm />
    </main>
  );
}
