export function App() {
  return <div className="app">Switchyard</div>;
}
