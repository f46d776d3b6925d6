/** The catalog "Create Sample Catalog" writes: three well-known papers to try citations with. */
export const sampleCatalog = `% A sample LitNotes catalog. Cite these in Markdown as [@vaswani2017attention] or @devlin2019bert.
% Export your own library from Zotero (Better BibTeX) or JabRef and list it in the setting litnotes.catalogs.

@inproceedings{vaswani2017attention,
  title     = {Attention Is All You Need},
  author    = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob and Jones, Llion and Gomez, Aidan N. and Kaiser, Lukasz and Polosukhin, Illia},
  booktitle = {Advances in Neural Information Processing Systems},
  year      = {2017},
  eprint    = {1706.03762},
  archivePrefix = {arXiv},
  keywords  = {transformers, attention},
}

@inproceedings{devlin2019bert,
  title     = {{BERT}: Pre-training of Deep Bidirectional Transformers for Language Understanding},
  author    = {Devlin, Jacob and Chang, Ming-Wei and Lee, Kenton and Toutanova, Kristina},
  booktitle = {Proceedings of NAACL-HLT},
  year      = {2019},
  doi       = {10.18653/v1/N19-1423},
  keywords  = {transformers, language models},
}

@inproceedings{he2016resnet,
  title     = {Deep Residual Learning for Image Recognition},
  author    = {He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},
  booktitle = {Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition (CVPR)},
  year      = {2016},
  doi       = {10.1109/CVPR.2016.90},
  keywords  = {vision, deep learning},
}
`;
