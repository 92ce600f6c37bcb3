// The four analysis components Elasticsearch's .security index mapping needs (its `email`
// analyzer: tokenizer uax_url_email, filters pattern_capture, lowercase, unique). They live in the
// analysis-common module, which the integ-test-zip lacks and Maven Central does not publish; without
// them the index cannot be created and so no API key can be made. Built from Lucene's own classes
// (lucene-analysis-common ships in the zip's lib/) by scripts/services.d/secure_es.sh into a copy of
// the zip used only by `scripts/services secure`. `unique` is approximated by Lucene's
// RemoveDuplicatesTokenFilter (same-position duplicates): it only shapes how user e-mails are
// searched, which no test does.
package org.logship.esplugin;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

public class LogshipSecurityAnalysisPlugin extends Plugin implements AnalysisPlugin {
    static TokenFilterFactory filter(String name, java.util.function.Function<TokenStream, TokenStream> f) {
        return new TokenFilterFactory() {
            public String name() { return name; }
            public TokenStream create(TokenStream in) { return f.apply(in); }
        };
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            "pattern_capture", (idx, env, name, settings) -> {
                List<String> list = settings.getAsList("patterns");
                Pattern[] patterns = list.stream().map(Pattern::compile).toArray(Pattern[]::new);
                boolean preserve = settings.getAsBoolean("preserve_original", true);
                return filter(name, in -> new PatternCaptureGroupTokenFilter(in, preserve, patterns));
            },
            "unique", (idx, env, name, settings) -> filter(name, RemoveDuplicatesTokenFilter::new),
            "lowercase", (idx, env, name, settings) -> filter(name, LowerCaseFilter::new));
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of("uax_url_email", (idx, env, name, settings) ->
            TokenizerFactory.newFactory(name, UAX29URLEmailTokenizer::new));
    }
}
