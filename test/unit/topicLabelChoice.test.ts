import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseBibtex } from '../../server/src/catalog/bibtex';
import { topicDocument } from '../../server/src/service/topicDocuments';
import { writeCatalog } from '../bench/generate';
import { chooseLabel, indexTexts, isReadableLabel, labelKey, titleCase } from '../../server/src/search/topicLabels';
import { foldAccents } from '../../server/src/search/tokenize';
import { buildTopics } from '../../server/src/search/topicModel';
import type { TopicDocument, TopicEntry, TopicResult } from '../../server/src/search/topicResult';
import { writtenWords } from '../../server/src/search/topicTerms';

const papers = (prefix: string, rows: [string, string][]): TopicDocument[] => rows.map(([title, abstract], i) => ({ key: `${prefix}-${i + 1}`, title, abstract }));

/** Every title ends on an element symbol: "Nb" is the most distinctive word, and no label. */
const niobium = papers('nb', [
  ['Surface Resistance of Nb', 'The microwave surface resistance of niobium samples is measured at low temperature for accelerator cavities.'],
  ['Hydrogen in Nb', 'Hydrogen dissolved in niobium forms hydrides on cooling; their precipitation degrades accelerator cavities.'],
  ['Vortex Pinning in Nb', 'Magnetic vortices are pinned by defects in niobium; the pinning strength sets flux expulsion in cavities.'],
  ['Oxygen Diffusion in Nb', 'Oxygen diffuses from the native oxide into niobium during baking of accelerator cavities.'],
  ['Grain Boundaries in Nb', 'Grain boundaries of large-grain niobium carry flux and heat in superconducting cavities.'],
]);

/** A formula the tokenizer cuts at its subscript minus: "La₁" and "ₓSrₓCuO₄" are no words. */
const cuprates = papers('lsco', [
  ['Optimally Doped La₁₋ₓSrₓCuO₄', 'Charge stripes and the pseudogap of the cuprate superconductor at optimal doping, from muon spin rotation.'],
  ['Stripes in La₁₋ₓSrₓCuO₄', 'Static charge stripes in the cuprate superconductor suppress superconductivity near one eighth doping.'],
  ['Pseudogap of Underdoped La₁₋ₓSrₓCuO₄', 'The pseudogap of the underdoped cuprate superconductor opens well above the transition temperature.'],
  ['Spin Glass Phase of La₁₋ₓSrₓCuO₄', 'A spin glass phase of the lightly doped cuprate competes with superconductivity and charge stripes.'],
  ['Nematic Order in La₁₋ₓSrₓCuO₄', 'Electronic nematic order of the cuprate superconductor near the pseudogap, seen in transport.'],
]);

/** "X-Ray": the terms drop the one-letter word; the label spells the whole name again. */
const photoemission = papers('xps', [
  ['X-Ray Photoelectron Spectroscopy of Oxide Surfaces', 'Core-level X-ray photoelectron spectra of oxide surfaces give the oxidation states of the cations.'],
  ['Depth Profiles by X-Ray Photoelectron Spectroscopy', 'Sputtering and X-ray photoelectron spectra give depth profiles of thin oxide layers.'],
  ['Ambient Pressure X-Ray Photoelectron Spectroscopy', 'X-ray photoelectron spectra at ambient pressure follow catalysts at work.'],
  ['Hard X-Ray Photoelectron Spectroscopy of Buried Interfaces', 'Hard X-ray photoelectron spectra probe interfaces buried under thick layers.'],
  ['Angle-Resolved X-Ray Photoelectron Spectroscopy', 'Angle-resolved X-ray photoelectron spectra of adsorbates on metal surfaces.'],
]);

const keys = (docs: readonly TopicDocument[]) => docs.map((d) => d.key).sort();

/** Keys per label, as the tree lists them. */
function membership(result: TopicResult): Record<string, string[]> {
  const byId = new Map(result.topics.map((t) => [t.id, t]));
  const out: Record<string, string[]> = {};
  for (const placement of result.placements) (out[(byId.get(placement.topic) as TopicEntry).label] ??= []).push(placement.key);
  for (const list of Object.values(out)) list.sort();
  return out;
}

describe('topic labels a person can read', () => {
  const result = buildTopics([...niobium, ...cuprates, ...photoemission]);

  test('no element symbol, no formula cut by a subscript, no name cut after a one-letter prefix', () => {
    assert.deepEqual(membership(result), {
      Cavities: keys(niobium),
      Pseudogap: keys(cuprates),
      'X-Ray Photoelectron Spectroscopy': keys(photoemission),
    });
  });

  test('the tooltip of a topic labelled from its abstracts still lists its terms, none of them a symbol', () => {
    const cavities = result.topics.find((t) => t.label === 'Cavities');
    assert.deepEqual(cavities?.terms, ['Niobium', 'Accelerator', 'Flux', 'Surface']);
    for (const topic of result.topics) for (const term of topic.terms) assert.ok(isReadableLabel(term), `${topic.label}: ${term}`);
  });

  test('a label an older version gave ("Nb") is made again; the topic keeps its id', () => {
    const older: TopicResult = {
      ...result,
      topics: result.topics.map((t) => (t.label === 'Cavities' ? { ...t, id: 'nb', label: 'Nb' } : t)),
      placements: result.placements.map((p) => (p.key.startsWith('nb-') ? { ...p, topic: 'nb' } : p)),
      model: result.model && { ...result.model, version: -1 },
    };
    const again = buildTopics([...niobium, ...cuprates, ...photoemission], { previous: older });
    const topic = again.topics.find((t) => t.id === 'nb');
    assert.equal(topic?.label, 'Cavities');
  });
});

describe('labels that set a topic apart', () => {
  // Every title of the first group says "Inference"; a fifth of its siblings' papers say it too ("at
  // inference time"), fewer than a catch-all; a phrase half its titles write says what it is about.
  const inference = papers('gm', [
    ['Variational Inference in Graphical Models', 'Approximate inference of the posterior marginals with mean-field updates.'],
    ['Exact Inference in Tree-Structured Graphical Models', 'Belief propagation gives exact posterior marginals on a tree.'],
    ['Inference by Message Passing in Graphical Models', 'Loopy belief propagation passes messages until the posterior marginals converge.'],
    ['Inference and Structure Learning for Graphical Models', 'Structure and posterior marginals are estimated together from samples.'],
    ['Inference with Markov Chain Monte Carlo', 'Gibbs sampling draws from the posterior; marginals are averages of the draws.'],
    ['Amortized Inference for Latent Variables', 'An encoder predicts the posterior marginals of the latent variables.'],
    ['Inference by Expectation Propagation', 'Moment matching of the marginals gives a Gaussian posterior.'],
    ['Inference of Topic Proportions', 'Collapsed Gibbs sampling estimates the posterior marginals over topics.'],
  ]);
  const pruning = papers('pr', [
    ['Magnitude Pruning of Convolutional Networks', 'Removing small weights shrinks the network; it runs faster at inference time.'],
    ['Structured Pruning of Channels', 'Whole channels are removed so the pruned network runs faster on hardware.'],
    ['Pruning at Initialization', 'Weights are removed before training using gradient saliency scores.'],
    ['Lottery Tickets and Iterative Pruning', 'Sparse subnetworks found by iterative magnitude pruning train to full accuracy.'],
    ['Pruning Attention Heads', 'Most attention heads can be removed after training with little loss; inference gets cheaper.'],
    ['Movement Pruning for Fine-Tuning', 'Weights that move toward zero during fine-tuning are removed.'],
    ['Pruning with Second-Order Saliency', 'The Hessian of the loss ranks weights to remove; inference cost drops.'],
    ['Dynamic Pruning of Activations', 'Channels are skipped per input, saving compute.'],
    ['Pruning Recurrent Networks', 'Gates and hidden units are removed from trained recurrent networks.'],
    ['Global Pruning Budgets', 'One threshold over all layers decides how many weights to remove.'],
  ]);
  const retrieval = papers('ir', [
    ['Dense Passage Retrieval', 'A dual encoder retrieves passages for open-domain question answering by inner product search.'],
    ['Sparse Lexical Retrieval with Learned Term Weights', 'Term weights predicted by a language model drive an inverted index.'],
    ['Late Interaction for Passage Retrieval', 'Token-level similarity between query and passage embeddings ranks passages.'],
    ['Hard Negatives for Dense Retrieval', 'Negatives mined from the index sharpen the dual encoder.'],
    ['Query Expansion for Passage Retrieval', 'Generated expansions of the query improve recall of the first-stage index.'],
    ['Distilling Cross-Encoders into Retrievers', 'A cross-encoder teacher scores passages for the dual encoder; inference stays fast.'],
    ['Retrieval-Augmented Question Answering', 'Retrieved passages condition the reader that writes the answer.'],
    ['Multilingual Passage Retrieval', 'One dual encoder retrieves passages across languages.'],
    ['Passage Retrieval for Long Documents', 'Documents are split into passages that the dual encoder indexes.'],
    ['Conversational Passage Retrieval', 'The query is rewritten from the dialogue history before passages are retrieved.'],
  ]);

  test('a word its siblings say too loses to a phrase only the topic says: "Graphical Models", not "Inference"', () => {
    const result = buildTopics([...inference, ...pruning, ...retrieval], { topicCount: 3 });
    assert.deepEqual(membership(result), { 'Graphical Models': keys(inference), 'Passage Retrieval': keys(retrieval), Pruning: keys(pruning) });
    // The word still shows in the tooltip.
    assert.deepEqual(result.topics.find((t) => t.label === 'Graphical Models')?.terms, ['Inference']);
  });

  const cavityTopics = ['Surface Resistance', 'Flux Expulsion', 'Quench Fields', 'Medium-Temperature Baking', 'Nitrogen Doping', 'Hydride Precipitation', 'Vortex Losses', 'Electropolishing', 'Grain Boundaries', 'Field Emission', 'Thermal Conductivity', 'Residual Resistance'];
  const cavities = papers('srf', cavityTopics.map((t) => [`${t} of Niobium Cavities`, `${t} limits the quality factor of superconducting niobium cavities for accelerators.`]));
  const filmTopics = ['Sputtered', 'Evaporated', 'Epitaxial', 'Ultrathin', 'Granular', 'Strained', 'Annealed', 'Nanostructured', 'Polycrystalline', 'Amorphous', 'Oxidized', 'Irradiated', 'Patterned'];
  const films = papers('film', filmTopics.map((t) => [`${t} Niobium Thin Films`, `${t} niobium films on sapphire are characterised by x-ray diffraction and transport for detectors.`]));
  // Two German titles write niobium "Niob", a piece of the word twelve times as many papers write.
  const german = papers('de', [
    ['Sauerstoff in Niob', 'Die Löslichkeit von Sauerstoff im Metall wird bei hohen Temperaturen gemessen.'],
    ['Wasserstoff in Niob', 'Die Diffusion von Wasserstoff im Metall wird mit Neutronen gemessen.'],
    ['Restwiderstand von reinem Metall', 'Der Restwiderstand des Metalls hängt von den Fremdatomen ab.'],
    ['Ausscheidungen von Oxiden im Metall', 'Die Ausscheidungen aus übersättigten Mischkristallen werden mit dem Elektronenmikroskop untersucht.'],
    ['Diffusion von Stickstoff im Metall', 'Die Diffusion von Stickstoff wird bei hohen Temperaturen gemessen.'],
  ]);
  const tasks = ['Question Answering', 'Summarization', 'Translation', 'Parsing', 'Tagging', 'Retrieval', 'Dialogue', 'Entailment', 'Captioning', 'Coreference', 'Classification', 'Generation', 'Ranking', 'Segmentation', 'Detection', 'Tracking', 'Forecasting', 'Clustering', 'Recommendation', 'Planning'];
  const language = papers('nlp', tasks.map((t) => [`Language Models for ${t}`, `A pretrained language model is fine-tuned for ${t.toLowerCase()} with few labelled examples.`]));

  test('a piece of a longer word the catalog writes is never a label: not "Niob" of "Niobium"', () => {
    const result = buildTopics([...cavities, ...films, ...german, ...language], { topicCount: 4 });
    assert.deepEqual(membership(result), { Diffusion: keys(german), 'Language Models': keys(language), 'Niobium Cavities': keys(cavities), 'Niobium Thin Films': keys(films) });
    for (const topic of result.topics) assert.ok(!topic.terms.includes('Niob'), `${topic.label}: ${topic.terms.join(', ')}`);
  });
});

describe('isReadableLabel', () => {
  test('names, acronyms and formulas are labels', () => {
    for (const label of ['3D Gaussian Splatting', 'RL', 'Few-Shot Learning', 'TiO₂', 'Superconducting MgB₂', '³¹P NMR', 'μSR', 'Speed', 'Pose Estimation'])
      assert.ok(isReadableLabel(label), label);
  });

  test('symbols at an edge, pieces of formulas, past participles and numbered names are not', () => {
    for (const label of ['Nb', 'Li', '⁸Li', 'Slow Li', 'La Température', 'Optimally Doped La₁', 'ₓSe', '₉Y₀', 'Masked', 'Short-Lived', 'Free Radicals Formed', 'Topic 2', 'P⃗'])
      assert.ok(!isReadableLabel(label), label);
  });
});

describe('chooseLabel when every candidate is taken', () => {
  const titles = ['Pose Estimation from Sparse Views', 'Object Pose Estimation with Sparse Views', 'Pose Estimation for Human Animation', 'Pose Guidance for Avatars'];
  const texts = indexTexts(titles, titles.length);
  const termOf = (phrase: string) => writtenWords(phrase).map((w) => w.stem).join(' ');
  const termTexts = [termOf('pose estimation'), termOf('sparse views'), termOf('camera')];

  test('"X and Y" of its two best terms, not a number', () => {
    const used = new Set(['pose estimation', 'sparse views', 'camera']);
    const { label } = chooseLabel(termTexts, { terms: [0, 1], shared: [2] }, texts, used);
    assert.equal(label, 'Pose Estimation and Sparse Views');
  });

  test('a label the tree has but for a plural is taken: no "Sparse Views" beside "Sparse View"', () => {
    const used = new Set(['pose estimation', foldAccents('Sparse View'), labelKey('Sparse View')]);
    assert.equal(chooseLabel(termTexts, { terms: [0, 1], shared: [] }, texts, used).label, 'Pose Estimation and Sparse Views');
  });

  test('with no candidate term at all: the word its titles say most', () => {
    assert.equal(chooseLabel(termTexts, { terms: [], shared: [] }, texts, new Set()).label, 'Pose');
    assert.equal(chooseLabel(termTexts, { terms: [], shared: [] }, texts, new Set(['pose'])).label, 'Estimation');
  });
});

describe('chooseLabel names the topic as precisely as its titles do', () => {
  const termOf = (phrase: string) => writtenWords(phrase).map((w) => w.stem).join(' ');

  test('a phrase its titles write often enough instead of its one word: "Pose Estimation", not "Pose"', () => {
    const others = ['Animation Guided by Pose', 'Relocalization from a Known Pose', 'Priors on Pose for Sparse Views', 'Tracking a Human Pose in Video'];
    const termTexts = [termOf('pose'), termOf('pose estimation'), termOf('camera')];
    const label = (titles: string[]) => chooseLabel(termTexts, { terms: [0, 2, 1], shared: [] }, indexTexts(titles, titles.length), new Set()).label;
    assert.equal(label([...others, 'Camera Pose Estimation from Sparse Views', 'Object Pose Estimation with Foundation Features', 'Hand Pose Estimation in the Wild']), 'Pose Estimation');
    // Written by one title of seven: the word stays.
    assert.equal(label([...others, 'Camera Pose Estimation from Sparse Views', 'Object Pose from Foundation Features', 'Hand Pose in the Wild']), 'Pose');
  });

  test('a phrase that prose starts with a verb is no fragment of it: "Dense Correspondence", not the next best "Focus"', () => {
    const titles = ['Graph-Structured Dense Correspondence Learning', 'Diffusion Model for Dense Matching', 'Focus on Neighbors for Multiview Generation'];
    const abstracts = ['Establishing dense correspondence between two images is a fundamental problem.', 'The objective for establishing dense correspondence between paired images has two terms.'];
    const texts = indexTexts([...titles, ...abstracts], titles.length);
    const termTexts = [termOf('dense correspondence'), termOf('focus')];
    assert.equal(chooseLabel(termTexts, { terms: [0, 1], shared: [] }, texts, new Set()).label, 'Dense Correspondence');
  });

  test('a word before it in titles still binds it: "Shot" of "Few-Shot" is no label', () => {
    const titles = ['Few-Shot Classification with Prototypes', 'Few-Shot Segmentation by Matching', 'Meta-Learning for Few-Shot Tasks'];
    const texts = indexTexts(titles, titles.length);
    const termTexts = [termOf('shot'), termOf('prototypes')];
    assert.notEqual(chooseLabel(termTexts, { terms: [0, 1], shared: [] }, texts, new Set()).label, 'Shot');
  });
});

describe('names written with hyphens and small words', () => {
  const outOfDistribution = papers('ood', [
    ['Energy Scores for Out-of-Distribution Detection', 'Out-of-distribution inputs get lower energy scores than the training distribution; the detector needs no retraining.'],
    ['Out-of-Distribution Detection with Deep Nearest Neighbors', 'Nearest-neighbour distances in feature space flag out-of-distribution inputs without labels.'],
    ['Benchmarking Out-of-Distribution Detection in Vision', 'A benchmark of detectors of out-of-distribution images, from far to near shifts.'],
    ['Likelihood Ratios for Out-of-Distribution Detection', 'Generative likelihoods fail on out-of-distribution data; a ratio against a background model corrects them.'],
    ['Outlier Exposure Improves Out-of-Distribution Detection', 'Training with auxiliary outliers teaches detectors what out-of-distribution inputs look like.'],
  ]);
  const inContext = papers('icl', [
    ['What Makes In-Context Learning Work?', 'Language models learn tasks from demonstrations in the prompt: in-context learning without gradient updates.'],
    ['In-Context Learning as Implicit Bayesian Inference', 'Pretraining on documents with latent concepts makes in-context learning a kind of Bayesian inference over prompts.'],
    ['Transformers Learn In-Context by Gradient Descent', 'Attention layers implement a gradient step on the demonstrations of the prompt.'],
    ['Calibrating In-Context Learning of Language Models', 'The label bias of prompts is removed by calibrating the output with a content-free input.'],
    ['Selecting Demonstrations for In-Context Learning', 'Which examples go into the prompt changes in-context learning accuracy of language models.'],
  ]);
  const result = buildTopics([...outOfDistribution, ...inContext, ...niobium]);

  test('title case: small words inside a name and Greek symbols stay lower case', () => {
    assert.equal(titleCase('out-of-distribution detection'), 'Out-of-Distribution Detection');
    assert.equal(titleCase('β-NMR of implanted ions'), 'β-NMR of Implanted Ions');
    assert.equal(titleCase('in-context learning with LLMs'), 'In-Context Learning with LLMs');
  });

  test('the label is the whole name as written, small words lower case: not "Distribution Detection" or "Context Learning"', () => {
    assert.deepEqual(membership(result), {
      'Out-of-Distribution Detection': keys(outOfDistribution),
      'In-Context Learning': keys(inContext),
      Cavities: keys(niobium),
    });
  });
});

describe('a word generic as one spelling only: "Ranking" is a label ("Rank" alone is not)', () => {
  const ranking = papers('rank', [
    ['Listwise Ranking of Search Results', 'Search results are ordered by a listwise loss that rewards a ranking with relevant documents first.'],
    ['Pairwise Ranking from Clicks', 'Clicks on documents give pairwise preferences, and a ranking is fitted to them.'],
    ['Ranking for Recommender Systems', 'Offline evaluation of the ranking a recommender system shows disagrees with what users click online.'],
    ['Fair Ranking of Job Candidates', 'The exposure candidates get in a ranking is shared fairly between groups of applicants.'],
    ['Ranking Aggregation of Voter Preferences', 'Voters give preferences over candidates; the aggregated ranking is close to every voter.'],
  ]);
  const folding = papers('fold', [
    ['Protein Folding with Attention', 'The structure of a protein is predicted from its amino acid sequence by attention over residue pairs.'],
    ['Protein Folding by Coevolution', 'Coevolving residues in aligned sequences give contacts, and the protein folds along them.'],
    ['Fast Protein Folding Simulations', 'Molecular dynamics of protein folding on special hardware reaches milliseconds.'],
    ['Protein Folding Intermediates', 'Partly folded states of a protein are trapped and measured on the way to the native structure.'],
    ['Misfolding and Protein Folding Diseases', 'Proteins that fold wrongly aggregate into fibrils found in neurodegenerative diseases.'],
  ]);
  const result = buildTopics([...ranking, ...folding], { topicCount: 2 });

  test('papers about ranking results are under "Ranking"', () => {
    assert.deepEqual(membership(result), { Ranking: keys(ranking), 'Protein Folding': keys(folding) });
  });
});

describe('a verb that opens titles is no label', () => {
  test('the real-editor suite\'s big library (2,000 generated papers and the demo\'s): no topic is "Estimating", "Using" or the like', () => {
    const dir = mkdtempSync(join(tmpdir(), 'litnotes-labels-'));
    try {
      const generated = writeCatalog(dir, 2000, 0);
      const papers = [
        ...parseBibtex(readFileSync(generated.bibPath, 'utf8'), 'file:///library.bib').papers,
        ...parseBibtex(readFileSync(join(__dirname, '..', '..', 'examples', 'demo', 'papers.bib'), 'utf8'), 'file:///papers.bib').papers,
      ];
      const labels = buildTopics(papers.map(topicDocument)).topics.map((t) => t.label);
      assert.ok(labels.length > 25, `${labels.length} topics`);
      assert.deepEqual(labels.filter((label) => /^(Estimating|Using|Exploring|Evaluating|Investigating|Measuring|Probing|Enabling|Towards)$/.test(label)), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

