package io.dataflux.ops;

import java.util.List;
import java.util.Optional;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;

/**
 * The cluster service of {@code dataflux.cluster.type=none}: a cluster of one, whose only member (this instance) leads
 * every namespace. Routes under {@code master:} then run as plain routes, so the same route files serve a single
 * instance and a replicated deployment.
 */
public final class StandaloneClusterService extends AbstractCamelClusterService<StandaloneClusterService.View> {

    public StandaloneClusterService(String id) {
        super(id);
    }

    @Override
    protected View createView(String namespace) {
        return new View(this, namespace);
    }

    /** A view in which this instance is always the leader. */
    public static final class View extends AbstractCamelClusterView {

        private final CamelClusterMember local;

        View(CamelClusterService service, String namespace) {
            super(service, namespace);
            String id = service.getId();
            this.local = new CamelClusterMember() {
                @Override
                public boolean isLeader() {
                    return isRunAllowed();
                }

                @Override
                public boolean isLocal() {
                    return true;
                }

                @Override
                public String getId() {
                    return id;
                }
            };
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            return isRunAllowed() ? Optional.of(local) : Optional.empty();
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return local;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return List.of(local);
        }

        @Override
        protected void doStart() {
            fireLeadershipChangedEvent(local);
        }

        @Override
        protected void doStop() {
            fireLeadershipChangedEvent(Optional.empty());
        }
    }
}
