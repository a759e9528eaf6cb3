/** "View code": the current request as curl, JavaScript (openai SDK) and Python (openai SDK). */
export function snippets(origin: string, path: string, body: Record<string, unknown>): Record<'curl' | 'JavaScript' | 'Python', string> {
  const json = JSON.stringify(body, null, 2);
  const sdkCall = path === '/v1/chat/completions' ? 'chat.completions.create' : path === '/v1/embeddings' ? 'embeddings.create' : 'images.generate';
  return {
    curl: `curl ${origin}${path} \\\n  -H "Authorization: Bearer $SWITCHYARD_API_KEY" \\\n  -H "Content-Type: application/json" \\\n  -d '${json.replace(/'/g, "'\\''")}'`,
    JavaScript: `import OpenAI from 'openai';\n\nconst client = new OpenAI({ baseURL: '${origin}/v1', apiKey: process.env.SWITCHYARD_API_KEY });\n\nconst result = await client.${sdkCall}(${json});\nconsole.log(result);`,
    Python: `import os\nfrom openai import OpenAI\n\nclient = OpenAI(base_url="${origin}/v1", api_key=os.environ["SWITCHYARD_API_KEY"])\n\nresult = client.${sdkCall.replace(/\.([a-z])/g, '.$1')}(**${toPython(body)})\nprint(result)`,
  };
}

function toPython(value: unknown): string {
  return JSON.stringify(value, null, 4).replace(/\btrue\b/g, 'True').replace(/\bfalse\b/g, 'False').replace(/\bnull\b/g, 'None');
}
