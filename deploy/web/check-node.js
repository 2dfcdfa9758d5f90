// node check-node.js MODEL.onnx INPUTS.json OUTPUTS.json
// Runs the ONNX model with onnxruntime-node on the examples of INPUTS.json (written by
// minikeras.deploy.web: {inputs: {name: {dims, data}}, outputs: [names]}) and writes
// {outputs: {name: {dims, data}}, node, arch, onnxruntime} to OUTPUTS.json.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main(argv) {
  if (argv.length !== 3) {
    console.error('usage: node check-node.js MODEL.onnx INPUTS.json OUTPUTS.json');
    return 2;
  }
  const [model, inputs, outputs] = argv;
  const spec = JSON.parse(fs.readFileSync(inputs, 'utf8'));
  const session = await ort.InferenceSession.create(model);
  const feeds = {};
  for (const [name, input] of Object.entries(spec.inputs)) {
    feeds[name] = new ort.Tensor('float32', Float32Array.from(input.data), input.dims);
  }
  const results = await session.run(feeds);
  const out = { outputs: {}, node: process.version, arch: process.arch };
  for (const name of spec.outputs) {
    out.outputs[name] = { dims: Array.from(results[name].dims), data: Array.from(results[name].data) };
  }
  fs.writeFileSync(outputs, JSON.stringify(out));
  return 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; },
  (err) => { console.error(err && err.stack || err); process.exitCode = 1; });
