using System.Net;
using System.Text.RegularExpressions;

namespace DevOpsProvider.Tests.Infrastructure;

/// <summary>An operator's browser without JavaScript: cookies kept, redirects not followed, forms posted with their antiforgery token.</summary>
public sealed partial class OperatorBrowser : IDisposable
{
    private readonly HttpClient _client;

    public OperatorBrowser(TestApp app)
    {
        Cookies = new CookieContainer();
        _client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(app.BaseUrl + "/"),
        };
    }

    public CookieContainer Cookies { get; }

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(path.TrimStart('/'));

    public async Task<string> GetPageAsync(string path)
    {
        using var response = await GetAsync(path);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode} {response.Headers.Location}");
        }

        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Loads <paramref name="pagePath"/>, takes its antiforgery token, and posts the form fields to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pagePath, string action, IDictionary<string, string> fields)
    {
        var form = new Dictionary<string, string>(fields);
        if (await TokenAsync(pagePath) is { } token)
        {
            form["__RequestVerificationToken"] = token;
        }

        return await _client.PostAsync(action.TrimStart('/'), new FormUrlEncodedContent(form));
    }

    /// <summary>
    /// Posts a multipart form (file uploads) with the antiforgery token of <paramref name="pagePath"/> (null: with no
    /// token, as a forged cross-site form would); <paramref name="chunked"/> sends it without Content-Length.
    /// </summary>
    public async Task<HttpResponseMessage> PostMultipartAsync(string? pagePath, string action, IDictionary<string, string> fields,
        string fileField, string fileName, byte[] content, string contentType, bool chunked = false)
    {
        using var form = new MultipartFormDataContent();
        if (pagePath is not null && await TokenAsync(pagePath) is { } token)
        {
            form.Add(new StringContent(token), "__RequestVerificationToken");
        }

        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        HttpContent file = chunked ? new StreamContent(new MemoryStream(content)) : new ByteArrayContent(content);
        file.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        form.Add(file, fileField, fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, action.TrimStart('/')) { Content = form };
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        return await _client.SendAsync(request);
    }

    /// <summary>The antiforgery token of the form on <paramref name="pagePath"/>, if it has one.</summary>
    private async Task<string?> TokenAsync(string pagePath)
    {
        var token = AntiforgeryToken().Match(await GetPageAsync(pagePath));
        return token.Success ? WebUtility.HtmlDecode(token.Groups[1].Value) : null;
    }

    public Task<HttpResponseMessage> PostRawFormAsync(string action, IDictionary<string, string> fields)
        => _client.PostAsync(action.TrimStart('/'), new FormUrlEncodedContent(fields));

    public async Task SignInAsync(string user = "admin", string password = TestApp.AdminPassword)
    {
        using var response = await PostFormAsync("/login", "/login", new Dictionary<string, string> { ["username"] = user, ["password"] = password });
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"sign-in failed: {(int)response.StatusCode}");
        }
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
