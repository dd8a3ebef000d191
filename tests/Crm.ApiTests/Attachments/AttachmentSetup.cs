using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Attachments;
using Crm.Platform.Attachments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Attachments;

/// <summary>A scanner for the tests: a file containing <see cref="InfectedMarker"/> is infected, one with <see cref="PendingMarker"/> waits.</summary>
public sealed class MarkerScanner : IMalwareScanner
{
    public const string InfectedMarker = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    public const string PendingMarker = "SCAN-ME-LATER";

    public async Task<ScanStatus> ScanAsync(MalwareScanRequest request, CancellationToken cancellationToken)
    {
        await using var stream = await request.OpenAsync(cancellationToken);
        var text = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync(cancellationToken);
        return text.Contains(InfectedMarker, StringComparison.Ordinal) ? ScanStatus.Infected
            : text.Contains(PendingMarker, StringComparison.Ordinal) ? ScanStatus.PendingScan : ScanStatus.Clean;
    }
}

/// <summary>Small limits, so that 413s need little data; the marker scanner in place of the no-op one.</summary>
public class AttachmentApp : CrmApp
{
    public const int MaxFileBytes = 300_000;
    public const int QuotaBytes = 700_000;
    public const int BlockBytes = 64 * 1024;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Attachments:MaxFileBytes"] = MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Attachments:TenantQuotaBytes"] = QuotaBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Attachments:UploadBlockBytes"] = BlockBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IMalwareScanner, MarkerScanner>());
    }
}

public static class AttachmentSetup
{
    public static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>A PNG signature and then <paramref name="size"/> bytes in all of a repeatable pattern.</summary>
    public static byte[] Png(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)(i * 31 % 251);
        }
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(bytes, 0);
        return bytes;
    }

    public static MultipartFormDataContent Form(byte[] file, string fileName, string? relatedType = null, string? relatedId = null)
    {
        var form = new MultipartFormDataContent();
        if (relatedType is not null)
        {
            form.Add(new StringContent(relatedType), "relatedType");
        }
        if (relatedId is not null)
        {
            form.Add(new StringContent(relatedId), "relatedId");
        }
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", fileName);
        return form;
    }

    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, string relatedType, string relatedId, byte[] file, string fileName) =>
        client.PostAsync("/api/v1/attachments", Form(file, fileName, relatedType, relatedId));

    public static async Task<JsonElement> AttachAsync(this HttpClient client, string relatedType, string relatedId, byte[] file, string fileName = "report.pdf") =>
        await (await client.UploadAsync(relatedType, relatedId, file, fileName)).ExpectAsync(HttpStatusCode.Created);

    public static async Task<byte[]> DownloadAsync(this HttpClient client, string id, string? query = null)
    {
        var response = await client.GetAsync($"/api/v1/attachments/{id}/content{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
