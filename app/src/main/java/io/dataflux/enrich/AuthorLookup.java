package io.dataflux.enrich;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One batch's author lookup as it moves through routes/authors.camel.yaml: the distinct author ids of the batch, the
 * profiles found so far, and the ids no store has answered for yet. Each store takes {@link #missing()} and reports
 * what it found; what is still missing at the end is an unknown author.
 */
public final class AuthorLookup {

    private final Map<String, Map<String, Object>> found = new HashMap<>();
    private final Set<String> missing;
    private final Set<String> unknown = new LinkedHashSet<>();
    private final Map<String, Map<String, Object>> fetched = new HashMap<>();

    AuthorLookup(Collection<String> authorIds) {
        this.missing = new LinkedHashSet<>(authorIds);
    }

    /** The ids no store has answered for yet, in first-seen order. */
    public List<String> missing() {
        return List.copyOf(missing);
    }

    public boolean hasMissing() {
        return !missing.isEmpty();
    }

    /** A profile from the cache: known, nothing to fetch or remember. */
    void cached(String authorId, Map<String, Object> profile) {
        missing.remove(authorId);
        found.put(authorId, profile);
    }

    /** An id the cache remembers as unknown. */
    void cachedUnknown(String authorId) {
        missing.remove(authorId);
    }

    /** A profile read from Redis or MySQL: known, and to be cached. */
    void fetched(String authorId, Map<String, Object> profile) {
        if (missing.remove(authorId)) {
            found.put(authorId, profile);
            fetched.put(authorId, profile);
        }
    }

    /** After the last store: every id still missing is unknown, and remembered as such. */
    void endOfLookup() {
        unknown.addAll(missing);
        missing.clear();
    }

    Map<String, Map<String, Object>> fetchedProfiles() {
        return fetched;
    }

    Set<String> unknownIds() {
        return unknown;
    }

    /** Author id to profile, for every author found; an unknown author has no entry. */
    public Map<String, Map<String, Object>> profiles() {
        return found;
    }

    @Override
    public String toString() {
        return "AuthorLookup[" + found.size() + " found, " + missing.size() + " missing, " + unknown.size() + " unknown]";
    }
}
