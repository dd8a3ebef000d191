using System.Net.Sockets;
using System.Text;

namespace Crm.ApiTests.Infrastructure;

/// <summary>
/// The service on a real Kestrel port on loopback, for what only the real server decides (the test server
/// takes requests already parsed): header decoding, and requests refused before the app.
/// </summary>
public sealed class KestrelCrmApp : CrmApp
{
    public KestrelCrmApp() => UseKestrel(0);

    protected override void Start() => StartServer();

    public Uri BaseAddress => CreateClient().BaseAddress!;

    /// <summary>Sends bytes as they are (no client library would send a header that is not ASCII) and reads the whole answer.</summary>
    public async Task<(int Status, string Head, string Body)> SendRawAsync(byte[] request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(BaseAddress.Host, BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request);
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer);
        var text = Encoding.UTF8.GetString(answer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var body = split < 0 ? "" : text[(split + 4)..];
        return (int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), head, body);
    }

    public static byte[] Request(string requestLine, params byte[][] headerLines) =>
        [.. Encoding.ASCII.GetBytes(requestLine + "\r\nHost: localhost\r\nConnection: close\r\n"),
         .. headerLines.SelectMany(h => h.Concat("\r\n"u8.ToArray())), .. "\r\n"u8.ToArray()];
}
