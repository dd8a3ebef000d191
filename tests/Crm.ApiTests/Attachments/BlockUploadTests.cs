using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;

namespace Crm.ApiTests.Attachments;

public sealed class BlockUploadTests(AttachmentApp app) : IClassFixture<AttachmentApp>
{
    private static ByteArrayContent Block(byte[] bytes) => new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } };

    [Fact]
    public async Task BlocksSentInAnyOrderAndAgainCommitIntoAnAttachment()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Blocks"));
        var bytes = AttachmentSetup.Png(150_000);
        var session = await tenant.Admin.PostJsonAsync("/api/v1/attachments/uploads",
            new { relatedType = "customer", relatedId = customer.Id(), fileName = "scan.png", size = bytes.Length }, HttpStatusCode.Created);
        Assert.Equal((AttachmentApp.BlockBytes, 3), (session.GetProperty("blockSize").GetInt32(), session.GetProperty("blockCount").GetInt32()));
        var url = $"/api/v1/attachments/uploads/{session.Id()}";

        await (await tenant.Admin.PutAsync($"{url}/blocks/2", Block(bytes[(2 * AttachmentApp.BlockBytes)..]))).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.PutAsync($"{url}/blocks/0", Block(bytes[..AttachmentApp.BlockBytes]))).ExpectAsync(HttpStatusCode.NoContent);
        // A commit before every block is there changes nothing and names what is missing.
        var incomplete = await (await tenant.Admin.PostAsync($"{url}/commit", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "upload.incomplete");
        Assert.Equal([1], incomplete.GetProperty("missingBlocks").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([0, 2], (await tenant.Admin.GetJsonAsync(url)).GetProperty("receivedBlocks").EnumerateArray().Select(e => e.GetInt32()));
        // A block of the wrong length or number is refused.
        await (await tenant.Admin.PutAsync($"{url}/blocks/1", Block(bytes[..100]))).ExpectProblemAsync(HttpStatusCode.BadRequest, "upload.block_length");
        await (await tenant.Admin.PutAsync($"{url}/blocks/3", Block(bytes[..100]))).ExpectProblemAsync(HttpStatusCode.BadRequest, "upload.block_out_of_range");
        // Sent again after a failure: it replaces the first try.
        await (await tenant.Admin.PutAsync($"{url}/blocks/1", Block(new byte[AttachmentApp.BlockBytes]))).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.PutAsync($"{url}/blocks/1", Block(bytes[AttachmentApp.BlockBytes..(2 * AttachmentApp.BlockBytes)]))).ExpectAsync(HttpStatusCode.NoContent);

        var attachment = await (await tenant.Admin.PostAsync($"{url}/commit", null)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(("image/png", (long)bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))),
            (attachment.Str("contentType"), attachment.GetProperty("size").GetInt64(), attachment.Str("sha256")));
        Assert.Equal(bytes, await tenant.Admin.DownloadAsync(attachment.Id()));
        // The session is used up.
        await (await tenant.Admin.PostAsync($"{url}/commit", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "upload.not_found");

        // A block upload of a new version.
        var next = await tenant.Admin.PostJsonAsync("/api/v1/attachments/uploads", new { attachmentId = attachment.Id(), fileName = "scan-2.pdf", size = AttachmentSetup.Pdf.Length },
            HttpStatusCode.Created);
        await (await tenant.Admin.PutAsync($"/api/v1/attachments/uploads/{next.Id()}/blocks/0", Block(AttachmentSetup.Pdf))).ExpectAsync(HttpStatusCode.NoContent);
        var versioned = await (await tenant.Admin.PostAsync($"/api/v1/attachments/uploads/{next.Id()}/commit", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((2, "application/pdf"), (versioned.GetProperty("currentVersion").GetInt32(), versioned.Str("contentType")));
        Assert.Equal(bytes, await tenant.Admin.DownloadAsync(attachment.Id(), "?version=1"));
    }

    [Fact]
    public async Task BadSessionsAndCommitsAreRefused()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Bad blocks"));
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/attachments/uploads", new { relatedType = "customer", relatedId = customer.Id(), fileName = "big.pdf", size = AttachmentApp.MaxFileBytes + 1 }))
            .ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "attachment.too_large");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/attachments/uploads", new { relatedType = "customer", relatedId = customer.Id(), fileName = "/", size = 10 }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "attachment.invalid_name");

        // Bytes that sniff as an executable are refused at the commit, and leave no attachment.
        byte[] exe = [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00];
        var session = await tenant.Admin.PostJsonAsync("/api/v1/attachments/uploads",
            new { relatedType = "customer", relatedId = customer.Id(), fileName = "invoice.pdf", size = exe.Length }, HttpStatusCode.Created);
        await (await tenant.Admin.PutAsync($"/api/v1/attachments/uploads/{session.Id()}/blocks/0", Block(exe))).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.PostAsync($"/api/v1/attachments/uploads/{session.Id()}/commit", null))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "attachment.type_not_allowed");
        Assert.Empty((await tenant.Admin.GetJsonAsync($"/api/v1/attachments?relatedType=customer&relatedId={customer.Id()}")).Items());

        // Someone else's session is not there for them.
        var (_, other) = await tenant.NewStaffAsync();
        var mine = await tenant.Admin.PostJsonAsync("/api/v1/attachments/uploads",
            new { relatedType = "customer", relatedId = customer.Id(), fileName = "a.pdf", size = 5 }, HttpStatusCode.Created);
        await (await other.GetAsync($"/api/v1/attachments/uploads/{mine.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "upload.not_found");
        await (await tenant.Admin.DeleteAsync($"/api/v1/attachments/uploads/{mine.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.GetAsync($"/api/v1/attachments/uploads/{mine.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "upload.not_found");
    }
}
