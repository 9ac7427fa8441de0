# The kubectl-netpol agent image (deploy/agent.yaml): Node 20, iptables (legacy and nft, switched
# by the agent's own backend detection) and ipset, and the built plugin.
# Build after `npm ci && npm run build`:
#   docker build -t registry.example/kubectl-netpol-agent:0.1.0 .
FROM node:20-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends iptables ipset \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/kubectl-netpol
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY dist/src dist/src
COPY plugin plugin
RUN ln -s /opt/kubectl-netpol/plugin/kubectl-netpol /usr/local/bin/kubectl-netpol
ENTRYPOINT ["kubectl-netpol"]
CMD ["agent"]
