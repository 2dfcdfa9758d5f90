// Loads model.onnx with onnxruntime-web, runs it on the examples of inputs.json, draws the
// images that look like 28x28 digits with the predicted class, and (with ?report=PATH)
// POSTs the outputs to PATH so a test can compare them with model.predict.
'use strict';

function argmax(data, offset, n) {
  let best = 0;
  for (let i = 1; i < n; i++) if (data[offset + i] > data[offset + best]) best = i;
  return best;
}

function drawDigit(pixels, offset) {
  const canvas = document.createElement('canvas');
  canvas.width = 28; canvas.height = 28;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = 255 - Math.round(255 * Math.min(1, Math.max(0, pixels[offset + i])));
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

async function main() {
  const report = new URLSearchParams(location.search).get('report');
  const status = document.getElementById('status');
  const result = { outputs: {}, backend: 'wasm', userAgent: navigator.userAgent };
  try {
    ort.env.wasm.numThreads = 1;        // no SharedArrayBuffer needed (no cross-origin isolation)
    ort.env.wasm.wasmPaths = new URL('ort/', location.href).href;
    const spec = await (await fetch('inputs.json')).json();
    const session = await ort.InferenceSession.create('model.onnx', { executionProviders: ['wasm'] });
    const feeds = {};
    for (const [name, input] of Object.entries(spec.inputs)) {
      feeds[name] = new ort.Tensor('float32', Float32Array.from(input.data), input.dims);
    }
    const outputs = await session.run(feeds);
    for (const name of spec.outputs) {
      result.outputs[name] = { dims: Array.from(outputs[name].dims), data: Array.from(outputs[name].data) };
    }
    const first = Object.values(spec.inputs)[0];
    const out = outputs[spec.outputs[0]];
    const classes = out.dims[out.dims.length - 1];
    const count = first.dims[0];
    const isDigit = first.dims.slice(1).reduce((a, b) => a * b, 1) === 784;
    let correct = 0;
    const box = document.getElementById('digits');
    for (let i = 0; i < count; i++) {
      const label = argmax(out.data, i * classes, classes);
      const truth = spec.labels ? spec.labels[i] : null;
      if (truth === label) correct++;
      if (!isDigit) continue;
      const fig = document.createElement('figure');
      fig.appendChild(drawDigit(first.data, i * 784));
      const cap = document.createElement('figcaption');
      cap.textContent = String(label);
      if (truth !== null && truth !== label) { cap.className = 'wrong'; cap.textContent += ' (' + truth + ')'; }
      fig.appendChild(cap);
      box.appendChild(fig);
    }
    result.count = count;
    result.labels_correct = spec.labels ? correct : null;
    status.textContent = 'onnxruntime-web: ' + count + ' examples classified' +
      (spec.labels ? ', ' + correct + ' correct' : '') + '.';
  } catch (e) {
    result.error = String(e && e.stack || e);
    status.textContent = 'error: ' + result.error;
  }
  if (report) {
    await fetch(report, { method: 'POST', headers: { 'Content-Type': 'application/json' },
                          body: JSON.stringify(result) });
  }
}

main();
