package io.dataflux.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterPayloadTest {

    @Test
    void aStreamEntryIsKeyedByItsIdAndAnythingElseByItsPayloadsDigest() {
        String digest = DeadLetterPayload.sha256(new byte[] {1, 2, 3});

        assertThat(DeadLetterPayload.sourceKey("1764560000000-3", digest)).isEqualTo("1764560000000-3");
        assertThat(DeadLetterPayload.sourceKey("forum:posts#17", digest)).isEqualTo("sha256:" + digest);
        assertThat(DeadLetterPayload.sourceKey(null, digest)).isEqualTo("sha256:" + digest);
        assertThat(digest).isEqualTo("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81");
    }
}
