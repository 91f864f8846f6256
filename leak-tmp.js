const tf=require('@tensorflow/tfjs');
const {ready}=require('./dist/src/backend');
const {diagnose}=require('./dist/src/diagnose');
async function run(name, model, data, opts={}) {
  const before=tf.memory().numTensors;
  try {
    const r=await diagnose(model,data,{display:false,...opts});
    console.log(name,'OK leaked',tf.memory().numTensors-before, r.findings.map(f=>f.id).join(','), JSON.stringify(r.checks.filter(c=>c.status==='error').map(c=>c.id+': '+c.note)));
  } catch(e) { console.log(name,'THREW',e.name,e.message.slice(0,200),'leaked',tf.memory().numTensors-before); }
}
(async()=>{
  await ready();
  // shared layers
  { const inp=tf.input({shape:[8]}); const shared=tf.layers.dense({units:8,activation:'relu'});
    const h=shared.apply(shared.apply(inp)); const out=tf.layers.dense({units:3,activation:'softmax'}).apply(h);
    const m=tf.model({inputs:inp,outputs:out}); m.compile({optimizer:'adam',loss:'categoricalCrossentropy'});
    const x=tf.randomNormal([64,8],0,1,'float32',1); const y=tf.oneHot(tf.tensor1d(Array.from({length:64},(_,i)=>i%3),'int32'),3);
    await run('shared', m, {x,y}); await run('shared2', m, {x,y}); }
  // custom layer unregistered
  { class Scale extends tf.layers.Layer { constructor(){super({});} call(inputs){ return tf.tidy(()=>tf.mul(Array.isArray(inputs)?inputs[0]:inputs, 2)); } static get className(){return 'ScaleX';} }
    const m=tf.sequential({layers:[tf.layers.dense({inputShape:[8],units:8}), new Scale(), tf.layers.dense({units:3,activation:'softmax'})]});
    m.compile({optimizer:'adam',loss:'categoricalCrossentropy'});
    const x=tf.randomNormal([64,8],0,1,'float32',1); const y=tf.oneHot(tf.tensor1d(Array.from({length:64},(_,i)=>i%3),'int32'),3);
    await run('custom', m, {x,y}); }
  // labels more columns than output
  { const m=tf.sequential({layers:[tf.layers.dense({inputShape:[8],units:3,activation:'softmax'})]}); m.compile({optimizer:'adam',loss:'categoricalCrossentropy'});
    const x=tf.randomNormal([64,8],0,1,'float32',1); const y=tf.oneHot(tf.tensor1d(Array.from({length:64},(_,i)=>i%5),'int32'),5);
    await run('cols', m, {x,y}); }
  // embedding out of range
  { const m=tf.sequential({layers:[tf.layers.embedding({inputDim:10,outputDim:4,inputLength:5}), tf.layers.flatten(), tf.layers.dense({units:2,activation:'softmax'})]}); m.compile({optimizer:'adam',loss:'categoricalCrossentropy'});
    const x=tf.tensor2d(Array.from({length:40*5},(_,i)=>i%25),[40,5]); const y=tf.oneHot(tf.tensor1d(Array.from({length:40},(_,i)=>i%2),'int32'),2);
    await run('embed', m, {x,y}); 
    const x2=tf.tensor2d(Array.from({length:40*5},(_,i)=>-(i%3)),[40,5]);
    await run('embed-neg', m, {x:x2,y});}
  // channels first
  { const m=tf.sequential({layers:[tf.layers.conv2d({inputShape:[8,8,3],filters:2,kernelSize:3}), tf.layers.flatten(), tf.layers.dense({units:2,activation:'softmax'})]}); m.compile({optimizer:'adam',loss:'categoricalCrossentropy'});
    await run('chfirst', m, {x:tf.zeros([4,3,8,8]), y:tf.zeros([4,2])}); }
  await run('optstr', tf.sequential({layers:[tf.layers.dense({inputShape:[2],units:2,activation:'softmax'})]}), {x:[[1,2],[3,4]],y:[[1,0],[0,1]]}, {loss:'categoricalCrossentropy', optimizer:'sgd', checks:{only:['gradient-flow']}});
  await run('only-str', tf.sequential({layers:[tf.layers.dense({inputShape:[2],units:2,activation:'softmax'})]}), {x:[[1,2],[3,4]],y:[[1,0],[0,1]]}, {loss:'categoricalCrossentropy', checks:{only:'labels'}});
  await run('only-typo', tf.sequential({layers:[tf.layers.dense({inputShape:[2],units:2,activation:'softmax'})]}), {x:[[1,2],[3,4]],y:[[1,0],[0,1]]}, {loss:'categoricalCrossentropy', checks:{only:['gradient-flw', 'lables']}});
  await run('f32', tf.sequential({layers:[tf.layers.dense({inputShape:[2],units:2,activation:'softmax'})]}), {x:new Float32Array(4),y:[[1,0],[0,1]]}, {loss:'categoricalCrossentropy'});
})();
