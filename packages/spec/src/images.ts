export interface ImageGenerationRequest {
  model?: string;
  prompt: string;
  n?: number | null;
  size?: string | null;
  quality?: string | null;
  style?: string | null;
  response_format?: 'url' | 'b64_json' | null;
  background?: string | null;
  output_format?: string | null;
  user?: string;
}

export interface GeneratedImage {
  b64_json?: string;
  url?: string;
  revised_prompt?: string;
}

export interface ImageGenerationResponse {
  created: number;
  data: GeneratedImage[];
  usage?: {
    total_tokens: number;
    input_tokens: number;
    output_tokens: number;
    input_tokens_details: { text_tokens: number; image_tokens: number };
  };
}
