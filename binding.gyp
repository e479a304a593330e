{
  "variables": {
    "with_cuda%": "<!(node scripts/detect-cuda.js)",
    "cuda_root%": "<!(node scripts/detect-cuda.js --root)"
  },
  "targets": [
    {
      "target_name": "jetlens",
      "sources": ["<!@(node scripts/native-sources.js)"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED",
                  "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++20", "-O3", "-fno-math-errno", "-pthread"],
      "ldflags": ["-pthread"],
      "conditions": [
        ["with_cuda==1", {
          "defines": ["JETLENS_CUDA"],
          "sources": ["<!@(node scripts/native-sources.js --cuda)"],
          "include_dirs": ["<(cuda_root)/include"],
          "libraries": ["<(cuda_root)/lib64/libcudart_static.a", "-ldl", "-lrt"],
          "rules": [{
            "rule_name": "nvcc",
            "extension": "cu",
            "inputs": ["<(RULE_INPUT_PATH)"],
            "outputs": ["<(INTERMEDIATE_DIR)/<(RULE_INPUT_ROOT).o"],
            "action": ["<(cuda_root)/bin/nvcc", "-c", "-O3", "-std=c++17", "-Xcompiler", "-fPIC",
                       "-gencode", "arch=compute_80,code=sm_80", "-gencode", "arch=compute_90,code=sm_90",
                       "-gencode", "arch=compute_90,code=compute_90",
                       "-Inative", "<@(_inputs)", "-o", "<@(_outputs)"],
            "message": "nvcc <(RULE_INPUT_PATH)",
            "process_outputs_as_sources": 1
          }]
        }]
      ]
    }
  ]
}
