using System.Net.Sockets;
using Grpc.Net.Client;

namespace Crm.Orchestrations;

/// <summary>
/// The gRPC channel the SDK's worker and client share to reach the in-process sidecar. Created before the sidecar
/// listens: each connection waits for the port the sidecar was given, then dials loopback.
/// </summary>
internal sealed class SidecarChannel : IDisposable
{
    public SidecarChannel(OrchestrationSidecar sidecar)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var endpoint = await sidecar.Endpoint.WaitAsync(cancellationToken);
                var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(endpoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        // The host name is never resolved: the callback above decides where to connect.
        Channel = GrpcChannel.ForAddress("http://durabletask-sidecar", new GrpcChannelOptions { HttpHandler = handler });
    }

    public GrpcChannel Channel { get; }

    public void Dispose() => Channel.Dispose();
}
