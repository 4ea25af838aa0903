package emulator

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// send makes one AWS API call to the emulator at endpoint, as an AWS SDK would: moto reads the
// service and region from the SigV4 credential scope and does not check signatures. It returns
// the body of a 2xx answer, or an error with the status and body of any other.
func send(ctx context.Context, endpoint, method, path, service, region, contentType, body string) ([]byte, error) {
	return sendWith(ctx, endpoint, method, path, service, region, contentType, body, nil)
}

// sendWith is send with extra request headers.
func sendWith(ctx context.Context, endpoint, method, path, service, region, contentType, body string, headers map[string]string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, endpoint+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+accessKey+"/20260101/"+region+"/"+service+
		"/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("status %d: %s", resp.StatusCode, out)
	}
	return out, nil
}
