using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.Domain.Access;

namespace Crm.ApiTests.Attachments;

public sealed class AttachmentApiTests(AttachmentApp app) : IClassFixture<AttachmentApp>
{
    [Fact]
    public async Task AFileRoundTripsWithItsSniffedTypeHashAndName()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Files"));
        var bytes = AttachmentSetup.Png(200_000);

        var response = await tenant.Admin.UploadAsync("customer", customer.Id(), bytes, "photo.jpg");
        var attachment = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/attachments/{attachment.Id()}", response.Headers.Location?.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(("image/png", 200_000L, "photo.jpg", "clean", 1), (attachment.Str("contentType"), attachment.GetProperty("size").GetInt64(),
            attachment.Str("name"), attachment.Str("scanStatus"), attachment.GetProperty("currentVersion").GetInt32()));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), attachment.Str("sha256"));
        Assert.Equal(tenant.AdminUserId, attachment.Str("createdBy"));

        var download = await tenant.Admin.GetAsync($"/api/v1/attachments/{attachment.Id()}/content");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("photo.jpg", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());

        var list = await tenant.Admin.GetJsonAsync($"/api/v1/attachments?relatedType=customer&relatedId={customer.Id()}");
        Assert.Equal([attachment.Id()], list.Ids());

        // The customer's timeline shows the file.
        var timeline = await tenant.Admin.GetJsonAsync($"/api/v1/customers/{customer.Id()}/timeline");
        var item = Assert.Single(timeline.Items(), i => i.Str("kind") == "attachment");
        Assert.Equal((attachment.Id(), "photo.jpg"), (item.Id(), item.GetProperty("document").Str("name")));
    }

    [Fact]
    public async Task ARangeRequestAnswersPartialContent()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Ranges"));
        var bytes = AttachmentSetup.Png(100_000);
        var attachment = await tenant.Admin.AttachAsync("customer", customer.Id(), bytes, "big.png");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/attachments/{attachment.Id()}/content");
        request.Headers.Range = new RangeHeaderValue(1000, 1999);
        var response = await tenant.Admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 1000-1999/100000", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(bytes[1000..2000], await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("bytes", response.Headers.AcceptRanges);
    }

    [Fact]
    public async Task TooLargeFilesAndThoseOverTheQuotaAnswer413AndLeaveNothing()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Limits"));
        await (await tenant.Admin.UploadAsync("customer", customer.Id(), AttachmentSetup.Png(AttachmentApp.MaxFileBytes + 1), "huge.png"))
            .ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "attachment.too_large");

        await tenant.Admin.AttachAsync("customer", customer.Id(), AttachmentSetup.Png(AttachmentApp.MaxFileBytes), "one.png");
        await tenant.Admin.AttachAsync("customer", customer.Id(), AttachmentSetup.Png(AttachmentApp.MaxFileBytes), "two.png");
        var problem = await (await tenant.Admin.UploadAsync("customer", customer.Id(), AttachmentSetup.Png(AttachmentApp.MaxFileBytes), "three.png"))
            .ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "attachment.quota_exceeded");
        Assert.Contains("left", problem.Str("detail"), StringComparison.Ordinal);
        var list = await tenant.Admin.GetJsonAsync($"/api/v1/attachments?relatedType=customer&relatedId={customer.Id()}");
        Assert.Equal(2, list.Items().Count);

        // Deleting frees its bytes.
        await (await tenant.Admin.DeleteAsync($"/api/v1/attachments/{list.Ids()[0]}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await tenant.Admin.AttachAsync("customer", customer.Id(), AttachmentSetup.Png(AttachmentApp.MaxFileBytes), "three.png");
    }

    [Theory]
    [InlineData("MZ\u0090\0\u0003\0\0\0 This program cannot be run in DOS mode", "invoice.pdf")]
    [InlineData("\u007fELF\u0002\u0001\u0001", "notes.txt")]
    [InlineData("<html>\0<script>alert(1)</script>", "page.html")]
    public async Task ABodyWhoseBytesAreNotAnAllowedTypeAnswers415(string content, string fileName)
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Types"));
        await (await tenant.Admin.UploadAsync("customer", customer.Id(), Encoding.Latin1.GetBytes(content), fileName))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "attachment.type_not_allowed");
        Assert.Empty((await tenant.Admin.GetJsonAsync($"/api/v1/attachments?relatedType=customer&relatedId={customer.Id()}")).Items());
    }

    [Theory]
    [InlineData("../../etc/passwd.txt", "passwd.txt")]
    [InlineData("C:\\Users\\me\\report.pdf", "report.pdf")]
    [InlineData("CON.pdf", "_CON.pdf")]
    [InlineData("evil\u202Efdp.exe.pdf", "evilfdp.exe.pdf")]
    [InlineData("a<b>c:d|e?.pdf", "a_b_c_d_e_.pdf")]
    [InlineData("report.pdf. . ", "report.pdf")]
    public async Task FileNamesAreSanitised(string given, string stored)
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Names"));
        var attachment = await tenant.Admin.AttachAsync("customer", customer.Id(), AttachmentSetup.Pdf, given);
        Assert.Equal(stored, attachment.Str("name"));
    }

    [Fact]
    public async Task BadUploadsAreProblemsThatChangeNothing()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Bad"));
        await (await tenant.Admin.UploadAsync("customer", customer.Id(), AttachmentSetup.Pdf, "../.."))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "attachment.invalid_name");
        await (await tenant.Admin.UploadAsync("role", customer.Id(), AttachmentSetup.Pdf, "a.pdf"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "attachment.related_type_unknown");
        await (await tenant.Admin.UploadAsync("customer", "01aaaaaaaaaaaaaaaaaaaaaaaa", AttachmentSetup.Pdf, "a.pdf"))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        await (await tenant.Admin.PostAsync("/api/v1/attachments", new StringContent("{}", Encoding.UTF8, "application/json")))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        var noFile = new MultipartFormDataContent { { new StringContent("customer"), "relatedType" }, { new StringContent(customer.Id()), "relatedId" } };
        await (await tenant.Admin.PostAsync("/api/v1/attachments", noFile)).ExpectProblemAsync(HttpStatusCode.BadRequest, "attachment.file_missing");
        var truncated = new ByteArrayContent(Encoding.ASCII.GetBytes(
            $"--b\r\nContent-Disposition: form-data; name=\"relatedType\"\r\n\r\ncustomer\r\n--b\r\nContent-Disposition: form-data; name=\"relatedId\"\r\n\r\n{customer.Id()}\r\n" +
            "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.7 cut"));
        truncated.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");
        await (await tenant.Admin.PostAsync("/api/v1/attachments", truncated)).ExpectProblemAsync(HttpStatusCode.BadRequest, "request.malformed_multipart");
        Assert.Empty((await tenant.Admin.GetJsonAsync($"/api/v1/attachments?relatedType=customer&relatedId={customer.Id()}")).Items());
    }

    [Fact]
    public async Task NewVersionsKeepTheOldOnesDownloadable()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Versions"));
        var first = await tenant.Admin.AttachAsync("customer", customer.Id(), AttachmentSetup.Pdf, "contract.pdf");
        var second = Encoding.UTF8.GetBytes("name,amount\n合同,100\n");

        using var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/attachments/{first.Id()}/versions") { Content = AttachmentSetup.Form(second, "contract-v2.csv") };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"not-the-version\"");
        await (await tenant.Admin.SendAsync(stale)).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");

        var updated = await (await tenant.Admin.PostAsync($"/api/v1/attachments/{first.Id()}/versions", AttachmentSetup.Form(second, "contract-v2.csv")))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((2, "text/csv", "contract-v2.csv"), (updated.GetProperty("currentVersion").GetInt32(), updated.Str("contentType"), updated.Str("name")));
        Assert.Equal([1, 2], updated.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("number").GetInt32()));
        Assert.Equal(second, await tenant.Admin.DownloadAsync(first.Id()));
        Assert.Equal(AttachmentSetup.Pdf, await tenant.Admin.DownloadAsync(first.Id(), "?version=1"));
        await (await tenant.Admin.GetAsync($"/api/v1/attachments/{first.Id()}/content?version=3")).ExpectProblemAsync(HttpStatusCode.NotFound, "attachmentVersion.not_found");
    }

    [Fact]
    public async Task InfectedAndUnscannedFilesAreNeverServed()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Scans"));
        var infected = await tenant.Admin.AttachAsync("customer", customer.Id(), Encoding.ASCII.GetBytes(MarkerScanner.InfectedMarker), "eicar.txt");
        Assert.Equal("infected", infected.Str("scanStatus"));
        await (await tenant.Admin.GetAsync($"/api/v1/attachments/{infected.Id()}/content")).ExpectProblemAsync(HttpStatusCode.Conflict, "attachment.infected");

        var pending = await tenant.Admin.AttachAsync("customer", customer.Id(), Encoding.ASCII.GetBytes("notes " + MarkerScanner.PendingMarker), "notes.txt");
        Assert.Equal("pendingScan", pending.Str("scanStatus"));
        await (await tenant.Admin.GetAsync($"/api/v1/attachments/{pending.Id()}/content")).ExpectProblemAsync(HttpStatusCode.Locked, "attachment.scan_pending");

        // The scanner's later verdict.
        await app.Service<Crm.Platform.Attachments.AttachmentService>().SetScanStatusAsync(
            new Crm.Storage.Records.WriteContext(tenant.Id, tenant.AdminUserId, null, DateTimeOffset.UtcNow), pending.Id(), 1, Crm.Domain.Attachments.ScanStatus.Clean, CancellationToken.None);
        Assert.Equal(Encoding.ASCII.GetBytes("notes " + MarkerScanner.PendingMarker), await tenant.Admin.DownloadAsync(pending.Id()));
    }

    [Fact]
    public async Task FilesFollowTheirRecordsVisibility()
    {
        var tenant = await app.NewTenantAsync();
        var (ownerId, owner) = await app.NewSellerAsync(tenant);
        var (_, other) = await app.NewSellerAsync(tenant);
        var (_, reader) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.All, ["customers.view"]));
        var customer = await owner.CreateCustomerAsync(SalesSetup.Unique("Private"));
        var attachment = await owner.AttachAsync("customer", customer.Id(), AttachmentSetup.Pdf);

        // Another rep with a self scope cannot see the customer: its files are not there for them either.
        await (await other.GetAsync($"/api/v1/attachments/{attachment.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "attachment.not_found");
        await (await other.GetAsync($"/api/v1/attachments/{attachment.Id()}/content")).ExpectProblemAsync(HttpStatusCode.NotFound, "attachment.not_found");
        await (await other.GetAsync($"/api/v1/attachments?relatedType=customer&relatedId={customer.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        await (await other.UploadAsync("customer", customer.Id(), AttachmentSetup.Pdf, "x.pdf")).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");
        await (await other.DeleteAsync($"/api/v1/attachments/{attachment.Id()}", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "attachment.not_found");

        // Who may only view the customer reads its files but attaches none.
        Assert.Equal(AttachmentSetup.Pdf, await reader.DownloadAsync(attachment.Id()));
        await (await reader.UploadAsync("customer", customer.Id(), AttachmentSetup.Pdf, "x.pdf")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        Assert.Equal(ownerId, attachment.Str("createdBy"));
    }

    [Fact]
    public async Task DeletingARecordTakesItsFilesToTheBinAndRestoringBringsThemBack()
    {
        var tenant = await app.NewTenantAsync();
        var customer = await tenant.Admin.CreateCustomerAsync(SalesSetup.Unique("Binned"));
        var attachment = await tenant.Admin.AttachAsync("customer", customer.Id(), AttachmentSetup.Pdf);

        await (await tenant.Admin.DeleteAsync($"/api/v1/customers/{customer.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.GetAsync($"/api/v1/attachments/{attachment.Id()}/content")).ExpectProblemAsync(HttpStatusCode.NotFound, "attachment.not_found");
        await (await tenant.Admin.GetAsync($"/api/v1/attachments?relatedType=customer&relatedId={customer.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "customer.not_found");

        await tenant.Admin.PostJsonAsync($"/api/v1/recycle-bin/customer/{customer.Id()}/restore", new { }, HttpStatusCode.OK);
        Assert.Equal(AttachmentSetup.Pdf, await tenant.Admin.DownloadAsync(attachment.Id()));

        // An attachment deleted on its own is in the bin, and comes back only while its record is live.
        await (await tenant.Admin.DeleteAsync($"/api/v1/attachments/{attachment.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        var bin = await tenant.Admin.GetJsonAsync("/api/v1/recycle-bin?type=attachment");
        Assert.Equal([attachment.Id()], bin.Items().Select(i => i.Str("id")));
        await (await tenant.Admin.DeleteAsync($"/api/v1/customers/{customer.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.PostAsJsonAsync($"/api/v1/recycle-bin/attachment/{attachment.Id()}/restore", new { }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "attachment.related_deleted");
        await tenant.Admin.PostJsonAsync($"/api/v1/recycle-bin/customer/{customer.Id()}/restore", new { }, HttpStatusCode.OK);
        await tenant.Admin.PostJsonAsync($"/api/v1/recycle-bin/attachment/{attachment.Id()}/restore", new { }, HttpStatusCode.OK);
        Assert.Equal(AttachmentSetup.Pdf, await tenant.Admin.DownloadAsync(attachment.Id()));
    }
}

public sealed class LeadAttachmentTests(AttachmentApp app) : IClassFixture<AttachmentApp>
{
    [Fact]
    public async Task ConvertingALeadMovesItsFilesToTheCustomer()
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Admin.CreateLeadAsync("Wang Fang", SalesSetup.Unique("Jade Works"));
        var attachment = await tenant.Admin.AttachAsync("lead", lead.Id(), AttachmentSetup.Pdf, "card.pdf");

        var converted = await tenant.Admin.PostJsonAsync($"/api/v1/leads/{lead.Id()}/convert", new { }, HttpStatusCode.OK);
        var customerId = converted.GetProperty("convertedTo").Str("customerId");
        var moved = await tenant.Admin.GetJsonAsync($"/api/v1/attachments/{attachment.Id()}");
        Assert.Equal(("customer", customerId), (moved.Str("relatedType"), moved.Str("relatedId")));
        Assert.Equal([attachment.Id()], (await tenant.Admin.GetJsonAsync($"/api/v1/attachments?relatedType=customer&relatedId={customerId}")).Ids());
        Assert.Empty((await tenant.Admin.GetJsonAsync($"/api/v1/attachments?relatedType=lead&relatedId={lead.Id()}")).Items());
        Assert.Equal(AttachmentSetup.Pdf, await tenant.Admin.DownloadAsync(attachment.Id()));
    }
}
