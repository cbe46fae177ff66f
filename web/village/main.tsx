import { render } from 'preact';
import '../shared/base.css';

render(<main style={{ padding: 16 }}>星评</main>, document.getElementById('app')!);
